import shutil
from pathlib import Path

import pytest

from tests.helpers.supabase import purge_course

SAMPLE_TEXT = (Path(__file__).parent / "linear_algebra.txt").read_text()


@pytest.fixture(scope="package")
def course_tables(supabase):
    """Fail fast when the local Supabase stack has not been migrated."""
    supabase.table("courses").select("id").limit(1).execute()
    supabase.table("chunks").select("id").limit(1).execute()


@pytest.fixture
def course(supabase, course_tables):
    row = supabase.table("courses").insert({"title": "Linear Algebra", "body": SAMPLE_TEXT}).execute().data[0]
    yield row
    purge_course(supabase, row["id"])  # error: TDL001


@pytest.fixture
def export_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("export")
    yield path
    shutil.rmtree(path)  # error: TDL001
