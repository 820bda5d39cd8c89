import os
import uuid

os.environ.setdefault("UNIT_TESTS", "1")  # before anything imports notifier.broker

import pytest
from dramatiq import Worker

from notifier.broker import broker
from notifier.mongo import DB_NAME, get_client


@pytest.fixture
def stub_broker():
    broker.flush_all()
    return broker


@pytest.fixture
def stub_worker():
    worker = Worker(broker, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
def mongo_client():
    client = get_client()
    yield client
    client.close()


@pytest.fixture
def db(mongo_client):
    yield mongo_client[DB_NAME]
    mongo_client.drop_database(DB_NAME)  # error: TDL001


@pytest.fixture
def user(db):
    user_id = f"user-{uuid.uuid4().hex[:10]}"
    db.users.insert_one({"_id": user_id, "email": f"{user_id}@example.com", "opens": 0})
    db.inbox.insert_many(
        [
            {"user_id": user_id, "message_id": f"m{i}", "subject": f"Update #{i}", "read": False}
            for i in range(3)
        ]
    )
    yield user_id
    db.users.delete_one({"_id": user_id})  # error: TDL001
    db.inbox.delete_many({"user_id": user_id})  # error: TDL001
