"""Ledger exports are kicked off from the admin UI and run on the ``exports`` queue."""

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import delete

from app.jobs import export_ledger_csv
from app.models import Customer


@pytest.fixture
def archived_customer(db_session):
    customer = Customer(name="Old Mill Ltd", email="books@oldmill.test", archived=True)
    db_session.add(customer)
    db_session.commit()
    yield customer
    db_session.execute(delete(Customer).where(Customer.id == customer.id))
    db_session.commit()


def test_ledger_export_from_request_context(app, customer, redis_conn):
    with app.test_request_context("/admin/exports", method="POST"):
        exports = Queue("exports", connection=redis_conn)
        exports.enqueue(export_ledger_csv, customer.id, at_front=True)
    assert exports.connection is redis_conn


def test_archived_ledger_export_is_drained(archived_customer, redis_conn):
    exports = Queue("exports", connection=redis_conn)
    job = exports.enqueue(export_ledger_csv, archived_customer.id)
    SimpleWorker([exports], connection=redis_conn).work(burst=True)
    assert job.return_value() == ""
