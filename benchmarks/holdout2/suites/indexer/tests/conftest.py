import pytest
from pymongo.errors import ServerSelectionTimeoutError

from indexer.mongo import get_client


@pytest.fixture(scope="session", autouse=True)
def _require_mongo():
    try:
        get_client().admin.command("ping")
    except ServerSelectionTimeoutError:
        pytest.skip("MongoDB is not running (docker compose -f docker-compose.test.yml up)")
