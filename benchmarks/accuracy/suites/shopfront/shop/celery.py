import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopfront.settings")

celery_app = Celery("shopfront", broker=os.environ.get("BROKER_URL", "amqp://guest@localhost//"))
celery_app.autodiscover_tasks(["shop"])
