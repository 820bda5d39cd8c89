from datetime import date, timedelta
from decimal import Decimal

import pytest
from fakeredis import FakeStrictRedis
from rq import Queue, SimpleWorker

from app.billing import issue_invoice
from app.jobs import render_invoice_pdf, send_payment_reminder, send_receipt
from app.models import Invoice

from .helpers import enqueue_batch


@pytest.fixture
def paid_invoice(db_session, customer):
    invoice = Invoice(number="INV-2024-0002", customer=customer, status="paid", total=Decimal("80.00"))
    db_session.add(invoice)
    db_session.commit()
    yield invoice
    db_session.delete(invoice)
    db_session.commit()


@pytest.fixture
def overdue_invoice(db_session, customer):
    invoice = Invoice(
        number="INV-2023-0412",
        customer=customer,
        status="issued",
        due_on=date.today() - timedelta(days=14),
    )
    db_session.add(invoice)
    db_session.commit()
    yield invoice
    db_session.query(Invoice).filter_by(id=invoice.id).delete()
    db_session.commit()


@pytest.fixture
def reminder_job(invoice_queue, overdue_invoice):
    """The reminder the dunning cron would schedule for an overdue invoice."""
    return invoice_queue.enqueue_in(timedelta(hours=1), send_payment_reminder, overdue_invoice.id)


@pytest.fixture
def invoice_batch(db_session, customer):
    batch = [Invoice(number=f"INV-2024-1{n:03}", customer=customer, status="issued") for n in range(3)]
    db_session.add_all(batch)
    db_session.commit()
    ids = [inv.id for inv in batch]
    yield batch
    Invoice.query.filter(Invoice.id.in_(ids)).delete(synchronize_session=False)  # error: TDL001
    db_session.commit()


def test_issue_invoice_enqueues_pdf(invoice, invoice_queue):
    issue_invoice(invoice, queue=invoice_queue)
    assert invoice.status == "issued"
    assert invoice.due_on == invoice.issued_on + timedelta(days=30)


def test_receipt_rendered_by_worker(paid_invoice, invoice_queue):
    job = invoice_queue.enqueue(send_receipt, paid_invoice.id)
    SimpleWorker([invoice_queue], connection=invoice_queue.connection).work(burst=True)
    assert job.get_status() == "finished"
    assert job.return_value() == {"to": "ap@acme.test", "number": "INV-2024-0002"}


def test_reminder_can_be_cancelled(reminder_job):
    reminder_job.cancel()
    assert reminder_job.is_canceled


def test_draft_preview_renders_synchronously(db_session, customer):
    """Previews use a synchronous queue so the UI can show the PDF straight away."""
    previews = Queue("previews", is_async=False, connection=FakeStrictRedis())
    draft = Invoice(number="DRAFT-7", customer=customer)
    db_session.add(draft)
    db_session.commit()
    try:
        job = previews.enqueue(render_invoice_pdf, draft.id)
        assert job.is_finished
    finally:
        db_session.delete(draft)
        db_session.commit()


@pytest.mark.slow
def test_month_end_batch(invoice_batch, invoice_queue):
    jobs = enqueue_batch(invoice_queue, invoice_batch)
    assert len(jobs) == 3
    assert all(job.origin == invoice_queue.name for job in jobs)
