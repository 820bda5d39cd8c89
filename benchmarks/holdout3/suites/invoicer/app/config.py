import os


class ProductionConfig:
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "postgresql+psycopg://invoicer@localhost/invoicer")
    REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    INVOICE_QUEUE = "invoices"


class TestingConfig(ProductionConfig):
    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://invoicer@localhost/invoicer_test")
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://localhost:6379/9")
    INVOICE_QUEUE = "invoices-test"
