from decimal import Decimal
from unittest import mock

from shop import services, tasks


def test_checkout_sends_receipt(order, mailoutbox):
    services.checkout(order)

    assert order.status == "paid"
    assert [m.to for m in mailoutbox] == [["buyer@example.com"]]


@mock.patch("shop.services.sync_ledger")
def test_partial_refund_syncs_ledger(sync_ledger, order):
    services.refund(order, Decimal("2.00"))

    assert order.status == "partially_refunded"
    sync_ledger.delay.assert_called_once_with(order.pk)


def test_bulk_price_update_reindexes(mocker, products):
    reindex = mocker.patch.object(tasks.reindex_products, "delay")

    ids = services.bulk_update_prices(products, Decimal("1.10"))

    reindex.assert_called_once_with(ids)
    assert products[0].price == Decimal("11.00")


def test_rename_pushes_to_search(monkeypatch, product):
    pushed = []
    monkeypatch.setattr(tasks.push_to_search, "delay", lambda pk: pushed.append(pk))

    services.rename_product(product, "Widget Pro")

    assert pushed == [product.pk]
