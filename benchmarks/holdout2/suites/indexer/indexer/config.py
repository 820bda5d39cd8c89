import os
from pathlib import Path

from huey import RedisHuey

huey = RedisHuey("indexer", url=os.environ.get("REDIS_URL", "redis://localhost:6379/2"))

MONGO_URL = os.environ.get("MONGO_URL", "mongodb://localhost:27017")
DB_NAME = os.environ.get("INDEXER_DB", "indexer_test")


def index_dir() -> Path:
    return Path(os.environ.get("INDEXER_INDEX_DIR", "/srv/indexer/shards"))
