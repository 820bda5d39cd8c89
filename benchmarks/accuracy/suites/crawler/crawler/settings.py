import os

REDIS_DSN = os.environ.get("CRAWLER_REDIS_DSN", "redis://localhost:6379/7")
DATABASE_URL = os.environ.get("CRAWLER_DATABASE_URL", "postgresql+asyncpg://crawler:crawler@localhost/crawler_test")
