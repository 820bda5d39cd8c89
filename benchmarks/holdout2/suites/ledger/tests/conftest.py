import os
from decimal import Decimal

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ledger.db import Base
from ledger.models import Account


@pytest.fixture(scope="session")
def redis_conn():
    conn = Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def engine():
    engine = create_engine(os.environ.get("DATABASE_URL", "postgresql+psycopg://ledger:ledger@localhost/ledger_test"))
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine):
    with Session(engine) as session:
        yield session


@pytest.fixture
def queue(redis_conn):
    return Queue("default", connection=redis_conn)


@pytest.fixture
def account(db_session):
    account = Account(owner_email="owner@example.com", balance=Decimal("0"))
    db_session.add(account)
    db_session.commit()
    yield account
    db_session.delete(account)  # error: TDL001
    db_session.commit()
