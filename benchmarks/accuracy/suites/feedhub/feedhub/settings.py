import os

DATABASE_URL = os.environ.get("FEEDHUB_DATABASE_URL", "postgresql+psycopg://feedhub:feedhub@localhost/feedhub_test")
REDIS_URL = os.environ.get("FEEDHUB_REDIS_URL", "redis://localhost:6379/4")
