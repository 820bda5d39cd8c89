"""Broker wiring. Under test (``UNIT_TESTS=1``) we use dramatiq's StubBroker, as the docs advise."""

import os

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.results import Results
from dramatiq.results.backends import StubBackend

if os.getenv("UNIT_TESTS") == "1":
    broker = StubBroker()
    broker.emit_after("process_boot")
else:
    broker = RabbitmqBroker(url=os.environ.get("RABBITMQ_URL", "amqp://guest:guest@localhost:5672"))

broker.add_middleware(Results(backend=StubBackend()))
dramatiq.set_broker(broker)
