from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .erp import ErpClient
from .invoices import invoice_number, invoice_path, render_invoice_pdf
from .models import ErpOutbox, Invoice, Order


@shared_task
def generate_invoice(order_id):
    order = Order.objects.select_related("customer").get(pk=order_id)
    path = render_invoice_pdf(order)
    Invoice.objects.update_or_create(
        order=order, defaults={"number": invoice_number(order), "pdf_path": str(path)}
    )
    return str(path)


@shared_task
def sync_to_erp(order_id):
    order = Order.objects.select_related("customer").get(pk=order_id)
    outbox = ErpOutbox.objects.create(
        order=order,
        customer=order.customer,
        payload={"order": order.pk, "total": str(order.total), "email": order.customer.email},
    )
    pdf = invoice_path(order)
    attachment = pdf.read_bytes() if pdf.exists() else None
    ErpClient().push_order(outbox.payload, attachment=attachment)
    outbox.pushed_at = timezone.now()
    outbox.save(update_fields=["pushed_at"])


@shared_task
def email_receipt(order_id):
    order = Order.objects.select_related("customer").get(pk=order_id)
    send_mail(
        subject=f"Your order #{order.pk}",
        message=f"Thanks {order.customer.name}, we received {order.total}.",
        from_email="shop@storefront.test",
        recipient_list=[order.customer.email],
    )
