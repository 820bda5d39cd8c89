import time
import uuid
from pathlib import Path

import pytest

from transcoder.jobs import jobs_table

SAMPLE = Path(__file__).parent / "data" / "tone-1s.wav"


def wait_for_file(path: Path, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.05)
    return False


def poll_state(table, job_id: str, state: str, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = table.get_item(Key={"job_id": job_id}).get("Item")
        if item and item.get("state") == state:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="session")
def table():
    return jobs_table()


@pytest.fixture
def job_record(table):
    job_id = uuid.uuid4().hex
    table.put_item(Item={"job_id": job_id, "state": "queued"})
    yield job_id
    table.delete_item(Key={"job_id": job_id})  # error: TDL001
