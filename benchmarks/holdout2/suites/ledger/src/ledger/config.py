import os

DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql+psycopg://ledger:ledger@localhost/ledger_test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
