import shutil
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import TestCase

from orders.models import ErpOutbox, Invoice, Order
from orders.services import place_order
from orders.tasks import generate_invoice, sync_to_erp
from tests.base import CeleryWorkerTestCase, OrderFactoryMixin

LINES = [("SKU-1", 2, Decimal("19.95")), ("SKU-7", 1, Decimal("5.00"))]


class CheckoutWorkerTests(OrderFactoryMixin, CeleryWorkerTestCase):
    def setUp(self):
        self.customer = self.make_customer()
        self.invoice_dir = Path(settings.INVOICE_ROOT)
        self.invoice_dir.mkdir(parents=True, exist_ok=True)

    def tearDown(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM orders_erpoutbox WHERE customer_id = %s", [self.customer.pk])  # error: TDL001
        shutil.rmtree(self.invoice_dir, ignore_errors=True)  # error: TDL001

    def test_place_order_queues_invoice(self):  # error: TDL001
        order = place_order(self.customer, LINES)
        self.assertEqual(order.status, "placed")
        self.assertEqual(order.total, Decimal("44.90"))

    def test_invoice_and_erp_sync_started_together(self):  # error: TDL001
        order = self.make_order(self.customer)
        invoice = generate_invoice.delay(order.pk)
        erp = sync_to_erp.delay(order.pk)
        self.assertTrue(invoice.get(timeout=30).endswith(".pdf"))
        self.assertTrue(erp.id)

    @mock.patch("orders.services.sync_to_erp.delay")
    @mock.patch("orders.services.generate_invoice.delay")
    def test_place_order_with_mocked_tasks(self, invoice_delay, erp_delay):
        order = place_order(self.customer, LINES)
        invoice_delay.assert_called_once_with(order.pk)
        erp_delay.assert_called_once_with(order.pk)
        path = generate_invoice.apply(args=(order.pk,)).get()
        self.assertTrue(Path(path).exists())


class CheckoutUnitTests(OrderFactoryMixin, TestCase):
    def setUp(self):
        self.customer = self.make_customer("unit@example.com")

    def tearDown(self):
        Order.objects.filter(customer=self.customer).delete()

    def test_place_order_defers_tasks_until_commit(self):
        order = place_order(self.customer, LINES)
        self.assertFalse(Invoice.objects.filter(order=order).exists())
        self.assertEqual(ErpOutbox.objects.filter(order=order).count(), 0)
