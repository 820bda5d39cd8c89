import os

from huey import RedisHuey

DB_PATH = os.environ.get("DIGESTMAIL_DB", "/var/lib/digestmail/digestmail.sqlite3")

huey = RedisHuey(
    "digestmail",
    url=os.environ.get("DIGESTMAIL_REDIS", "redis://localhost:6379/5"),
    results=True,
)
