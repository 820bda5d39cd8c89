import os

import pytest


def pytest_configure(config):
    # The consumer started by CI reads the same SQLite file.
    os.environ.setdefault("DIGESTMAIL_DB", "/tmp/digestmail-test.sqlite3")


@pytest.fixture(scope="session")
def test_db_path():
    return os.environ["DIGESTMAIL_DB"]
