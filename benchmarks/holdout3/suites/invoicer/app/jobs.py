"""RQ job functions. They run in the `rq worker invoices` process and open their own app context."""

import csv
import io

from . import create_app
from .extensions import db
from .models import Customer, Invoice


def render_invoice_pdf(invoice_id):
    app = create_app()
    with app.app_context():
        invoice = db.session.get(Invoice, invoice_id)
        if invoice is None:
            raise LookupError(f"invoice {invoice_id} vanished before rendering")
        invoice.pdf_key = f"invoices/{invoice.number}.pdf"
        db.session.commit()
        return invoice.pdf_key


def send_receipt(invoice_id):
    app = create_app()
    with app.app_context():
        invoice = db.session.get(Invoice, invoice_id)
        return {"to": invoice.customer.email, "number": invoice.number}


def send_payment_reminder(invoice_id):
    app = create_app()
    with app.app_context():
        invoice = db.session.get(Invoice, invoice_id)
        return invoice.overdue


def export_ledger_csv(customer_id):
    app = create_app()
    with app.app_context():
        customer = db.session.get(Customer, customer_id)
        buf = io.StringIO()
        writer = csv.writer(buf)
        for inv in customer.invoices:
            writer.writerow([inv.number, inv.status, inv.total])
        return buf.getvalue()
