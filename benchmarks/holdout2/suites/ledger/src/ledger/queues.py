from redis import Redis
from rq import Queue

from .config import REDIS_URL

redis_conn = Redis.from_url(REDIS_URL)
default_queue = Queue("default", connection=redis_conn)
reports_queue = Queue("reports", connection=redis_conn)
