import os

from arq.connections import RedisSettings

REDIS_SETTINGS = RedisSettings.from_dsn(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
MONGO_URL = os.environ.get("MONGO_URL", "mongodb://localhost:27017")
DB_NAME = os.environ.get("NOTIFYD_DB", "notifyd_test")
