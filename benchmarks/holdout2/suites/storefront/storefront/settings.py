import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "storefront-tests"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "orders",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", "storefront"),
        "USER": os.environ.get("PGUSER", "storefront"),
        "PASSWORD": os.environ.get("PGPASSWORD", "storefront"),
        "HOST": os.environ.get("PGHOST", "localhost"),
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
INVOICE_ROOT = os.environ.get("INVOICE_ROOT", str(BASE_DIR / "var" / "invoices"))
ERP_URL = os.environ.get("ERP_URL", "http://localhost:9000/api")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/1")
