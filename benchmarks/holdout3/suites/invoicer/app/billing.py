from datetime import date, timedelta

from .extensions import db
from .jobs import render_invoice_pdf
from .queue import get_queue


def issue_invoice(invoice, queue=None, net_days=30):
    """Mark ``invoice`` issued and queue its PDF rendering. Returns the RQ job."""
    invoice.status = "issued"
    invoice.issued_on = date.today()
    invoice.due_on = invoice.issued_on + timedelta(days=net_days)
    db.session.commit()
    queue = queue or get_queue()
    return queue.enqueue(render_invoice_pdf, invoice.id, job_timeout=120, result_ttl=600)
