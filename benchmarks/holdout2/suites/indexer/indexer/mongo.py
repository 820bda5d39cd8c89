from functools import lru_cache

from pymongo import MongoClient

from .config import DB_NAME, MONGO_URL


@lru_cache(maxsize=1)
def get_client():
    return MongoClient(MONGO_URL)


def get_db():
    return get_client()[DB_NAME]
