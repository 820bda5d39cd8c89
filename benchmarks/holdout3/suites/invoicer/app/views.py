from flask import Blueprint, jsonify

from .billing import issue_invoice
from .extensions import db
from .models import Invoice

bp = Blueprint("invoices", __name__, url_prefix="/invoices")


@bp.post("/<int:invoice_id>/issue")
def issue(invoice_id):
    invoice = db.get_or_404(Invoice, invoice_id)
    job = issue_invoice(invoice)
    return jsonify(id=invoice.id, job=job.id), 202
