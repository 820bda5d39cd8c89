from pathlib import Path

from django.conf import settings
from reportlab.pdfgen import canvas


def invoice_number(order):
    return f"INV-{order.pk:06d}"


def invoice_path(order):
    return Path(settings.INVOICE_ROOT) / f"{invoice_number(order)}.pdf"


def render_invoice_pdf(order):
    path = invoice_path(order)
    pdf = canvas.Canvas(str(path))
    pdf.drawString(72, 760, f"Invoice {invoice_number(order)} for {order.customer.name}")
    pdf.drawString(72, 740, f"Total: {order.total}")
    pdf.save()
    return path
