from decimal import Decimal

from celery.contrib.testing.worker import start_worker
from django.test import TransactionTestCase

from orders.models import Customer, Order
from storefront.celery import app


class CeleryWorkerTestCase(TransactionTestCase):
    """Runs a real Celery worker (thread pool) next to the test database.

    Data must be committed for the worker's own connections to see it, hence
    TransactionTestCase.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.celery_worker = start_worker(app, pool="threads", concurrency=2, perform_ping_check=False)
        cls.celery_worker.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.celery_worker.__exit__(None, None, None)
        super().tearDownClass()


class OrderFactoryMixin:
    def make_customer(self, email="buyer@example.com", name="Bea Buyer"):
        return Customer.objects.create(email=email, name=name)

    def make_order(self, customer, total="49.90"):
        return Order.objects.create(customer=customer, total=Decimal(total))
