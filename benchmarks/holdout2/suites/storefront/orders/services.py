from decimal import Decimal

from django.db import transaction

from .models import Order, OrderLine
from .tasks import generate_invoice, sync_to_erp


def place_order(customer, lines):
    """Create the order; invoice and ERP sync start once the transaction has committed."""
    with transaction.atomic():
        total = sum((Decimal(price) * qty for _, qty, price in lines), Decimal("0"))
        order = Order.objects.create(customer=customer, total=total)
        OrderLine.objects.bulk_create(
            [OrderLine(order=order, sku=sku, quantity=qty, unit_price=price) for sku, qty, price in lines]
        )
        transaction.on_commit(lambda: generate_invoice.delay(order.pk))
        transaction.on_commit(lambda: sync_to_erp.delay(order.pk))
    return order
