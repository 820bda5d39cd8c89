import pytest


@pytest.fixture(autouse=True)
def invoice_root(settings, tmp_path):
    settings.INVOICE_ROOT = str(tmp_path / "invoices")
    return settings.INVOICE_ROOT
