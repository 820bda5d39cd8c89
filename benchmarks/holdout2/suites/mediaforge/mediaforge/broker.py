"""Configures the global dramatiq broker. Import before declaring actors."""
import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.results import Results
from dramatiq.results.backends import RedisBackend, StubBackend

if os.environ.get("MEDIAFORGE_ENV") == "test":
    broker = StubBroker()
    broker.emit_after("process_boot")
    result_backend = StubBackend()
else:
    redis_url = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    broker = RedisBroker(url=redis_url)
    result_backend = RedisBackend(url=redis_url)

broker.add_middleware(Results(backend=result_backend))
dramatiq.set_broker(broker)
