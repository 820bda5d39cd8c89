import os

import pytest

from reporting.db import create_sqlite_schema


@pytest.fixture
def sqlite_db(tmp_path, request):
    path = tmp_path / "reports.sqlite3"
    create_sqlite_schema(path)

    def remove_database():
        os.remove(path)

    request.addfinalizer(remove_database)  # error: TDL001
    return path
