"""Celery application for the gradebook project."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gradebook.settings")

app = Celery("gradebook")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
