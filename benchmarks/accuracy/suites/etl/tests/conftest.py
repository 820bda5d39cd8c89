import shutil

import pytest

from tests.helpers import make_events_db


@pytest.fixture
def events_db(tmp_path):
    return make_events_db(tmp_path / "events.sqlite3")


@pytest.fixture
def out_dir(request, tmp_path_factory):
    directory = tmp_path_factory.mktemp("export")
    request.addfinalizer(lambda: shutil.rmtree(directory, ignore_errors=True))  # error: TDL001
    return directory
