import pytest


@pytest.fixture(autouse=True)
def offline_erp(monkeypatch):
    """The ERP is a third-party HTTP API: answer every push locally."""
    monkeypatch.setattr(
        "orders.erp.ErpClient.push_order",
        lambda self, payload, attachment=None: {"status": "accepted", "order": payload["order"]},
    )
