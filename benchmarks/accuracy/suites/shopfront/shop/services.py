from decimal import Decimal

from django.db import transaction

from shop.models import Order, Product
from shop.tasks import push_to_search, reindex_products, send_receipt, sync_ledger


def checkout(order: Order) -> Order:
    order.status = "paid"
    order.save(update_fields=["status"])
    send_receipt.delay(order.pk)
    return order


def refund(order: Order, amount: Decimal) -> Order:
    order.refunded += amount
    order.status = "refunded" if order.refunded >= order.total else "partially_refunded"
    order.save(update_fields=["refunded", "status"])
    sync_ledger.delay(order.pk)
    return order


@transaction.atomic
def bulk_update_prices(products, factor: Decimal) -> list[int]:
    ids = []
    for product in products:
        product.price = (product.price * factor).quantize(Decimal("0.01"))
        product.save(update_fields=["price"])
        ids.append(product.pk)
    reindex_products.delay(ids)
    return ids


def rename_product(product: Product, name: str) -> Product:
    product.name = name
    product.save(update_fields=["name"])
    push_to_search.delay(product.pk)
    return product
