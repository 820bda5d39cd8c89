"""Fixtures for the invoicer suite.

CI starts ``rq worker invoices-test exports`` next to the test run, so anything enqueued on a
real queue is picked up concurrently with the test. Tests that assert on job results drain the
queue in-process with ``SimpleWorker(...).work(burst=True)`` instead of sleeping.
"""

from decimal import Decimal

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.models import Customer, Invoice


@pytest.fixture(scope="session")
def app():
    app = create_app("testing")
    with app.app_context():
        yield app


@pytest.fixture
def db_session(app):
    yield db.session
    db.session.rollback()
    db.session.remove()


@pytest.fixture
def redis_conn(app):
    conn = Redis.from_url(app.config["REDIS_URL"])
    yield conn
    conn.close()


@pytest.fixture
def invoice_queue(app, redis_conn):
    return Queue(app.config["INVOICE_QUEUE"], connection=redis_conn)


@pytest.fixture
def customer(db_session):
    customer = Customer(name="Acme Anvils", email="ap@acme.test")
    db_session.add(customer)
    db_session.commit()
    yield customer
    db_session.execute(text("DELETE FROM customers WHERE id = :id"), {"id": customer.id})  # error: TDL001
    db_session.commit()


@pytest.fixture
def invoice(db_session, customer):
    invoice = Invoice(number="INV-2024-0001", customer=customer, total=Decimal("1200.00"))
    db_session.add(invoice)
    db_session.commit()
    yield invoice
    db_session.delete(invoice)  # error: TDL001
    db_session.commit()
