import os

import httpx
import pytest

from tests.support.db import create_test_course, purge_course

API_URL = os.environ.get("COURSEGEN_API_URL", "http://localhost:8080")


@pytest.fixture
def api_client():
    headers = {"Authorization": f"Bearer {os.environ.get('COURSEGEN_TEST_TOKEN', 'dev-token')}"}
    with httpx.Client(base_url=API_URL, headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
def api_course(request, supabase):
    row = create_test_course(supabase, "API generation")
    request.addfinalizer(lambda: purge_course(supabase, row["id"]))  # error: TDL001
    return row
