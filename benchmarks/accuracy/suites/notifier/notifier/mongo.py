import os
from functools import lru_cache

from pymongo import MongoClient
from pymongo.database import Database

MONGO_URL = os.getenv("MONGO_URL", "mongodb://localhost:27017")
DB_NAME = os.getenv("NOTIFIER_DB", "notifier_test" if os.getenv("UNIT_TESTS") == "1" else "notifier")


@lru_cache(maxsize=1)
def get_client() -> MongoClient:
    return MongoClient(MONGO_URL, serverSelectionTimeoutMS=2000)


def get_db() -> Database:
    return get_client()[DB_NAME]
