import logging

import pytest


@pytest.fixture(autouse=True)
def _quiet_threads(caplog):
    caplog.set_level(logging.WARNING, logger="app.export")
