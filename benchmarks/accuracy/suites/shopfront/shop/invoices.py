"""Invoice PDFs are rendered off the request thread."""
import threading
from pathlib import Path

from django.conf import settings
from reportlab.pdfgen import canvas


def _render(snapshot: dict, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(target))
    pdf.drawString(72, 720, f"Invoice #{snapshot['id']}")
    pdf.drawString(72, 700, f"Total: {snapshot['total']}")
    pdf.showPage()
    pdf.save()


def invoice_path(order_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "invoices" / f"{order_id}.pdf"


def render_invoice_async(order) -> threading.Thread:
    snapshot = {"id": order.pk, "total": str(order.total), "email": order.email}
    worker = threading.Thread(
        target=_render, args=(snapshot, invoice_path(order.pk)), name=f"invoice-{order.pk}", daemon=True
    )
    worker.start()
    return worker
