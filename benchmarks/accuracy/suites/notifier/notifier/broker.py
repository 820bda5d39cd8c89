import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

if os.getenv("UNIT_TESTS") == "1":
    broker = StubBroker()
    broker.emit_after("process_boot")
else:
    broker = RedisBroker(url=os.getenv("REDIS_URL", "redis://localhost:6379/2"))

dramatiq.set_broker(broker)
