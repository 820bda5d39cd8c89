from decimal import Decimal

import pytest

from shop.invoices import invoice_path, render_invoice_async
from shop.models import Order


@pytest.mark.django_db
def test_invoice_rendering_starts(media_root):
    order = Order.objects.create(email="a@example.com", total=Decimal("9.99"))

    worker = render_invoice_async(order)

    assert worker.name == f"invoice-{order.pk}"


@pytest.mark.django_db
def test_invoice_pdf_written(media_root):
    order = Order.objects.create(email="b@example.com", total=Decimal("19.99"))

    worker = render_invoice_async(order)
    worker.join(timeout=10)

    assert invoice_path(order.pk).read_bytes().startswith(b"%PDF")
