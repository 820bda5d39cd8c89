from orders.tasks import email_receipt
from tests.base import CeleryWorkerTestCase, OrderFactoryMixin


class ReceiptTests(OrderFactoryMixin, CeleryWorkerTestCase):
    def setUp(self):
        self.customer = self.make_customer("receipts@example.com")
        self.addCleanup(self.customer.delete)  # error: TDL001
        self.order = self.make_order(self.customer, total="12.00")

    def test_receipt_email_queued(self):  # error: TDL001
        result = email_receipt.delay(self.order.pk)
        self.assertIsNotNone(result.id)

    def test_scheduled_receipt_revoked(self):
        result = email_receipt.apply_async((self.order.pk,), countdown=60)
        result.revoke()
        self.assertTrue(result.id)

    def test_receipt_waited_in_cleanup(self):
        result = email_receipt.delay(self.order.pk)
        self.addCleanup(result.get, timeout=30)
        self.assertTrue(result.id)
