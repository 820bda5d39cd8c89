from flask import current_app
from redis import Redis
from rq import Queue


def get_queue(name=None):
    conn = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(name or current_app.config["INVOICE_QUEUE"], connection=conn)
