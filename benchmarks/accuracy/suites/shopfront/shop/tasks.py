import requests
from django.conf import settings
from django.core.mail import send_mail

from shop.celery import celery_app
from shop.models import Order, Product


@celery_app.task
def send_receipt(order_id: int) -> str:
    order = Order.objects.get(pk=order_id)
    send_mail("Your receipt", f"Total: {order.total}", "shop@example.com", [order.email])
    return order.email


@celery_app.task
def sync_ledger(order_id: int) -> None:
    order = Order.objects.get(pk=order_id)
    requests.post("https://ledger.internal/entries", json={"order": order.pk, "refunded": str(order.refunded)}, timeout=5)


@celery_app.task
def reindex_products(product_ids: list[int]) -> int:
    return Product.objects.filter(pk__in=product_ids).count()


@celery_app.task
def push_to_search(product_id: int) -> None:
    product = Product.objects.get(pk=product_id)
    requests.put(f"{settings.SEARCH_URL}/indexes/products/documents", json=[{"id": product.pk, "name": product.name}], timeout=5)
