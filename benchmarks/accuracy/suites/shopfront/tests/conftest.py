import shutil
from decimal import Decimal

import pytest

from shop.celery import celery_app
from shop.models import Order, Product


@pytest.fixture(scope="session", autouse=True)
def celery_eager():
    """Run every Celery task inline for the unit suite."""
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    celery_app.conf.update(task_always_eager=False, task_eager_propagates=False)


@pytest.fixture
def order(db):
    order = Order.objects.create(email="buyer@example.com", total=Decimal("42.00"))
    yield order
    order.delete()


@pytest.fixture
def products(db):
    items = [Product.objects.create(sku=f"SKU-{i}", name=f"Thing {i}", price=Decimal("10.00")) for i in range(3)]
    yield items
    Product.objects.filter(pk__in=[p.pk for p in items]).delete()


@pytest.fixture
def product(db):
    item = Product.objects.create(sku="SKU-X", name="Widget", price=Decimal("3.50"))
    yield item
    item.delete()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    yield settings.MEDIA_ROOT
    shutil.rmtree(settings.MEDIA_ROOT)  # error: TDL001
