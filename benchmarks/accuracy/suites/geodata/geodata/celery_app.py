import os

from celery import Celery

celery = Celery(
    "geodata",
    broker=os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/5"),
    backend=os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/6"),
    include=["geodata.tasks"],
)
celery.conf.update(task_acks_late=True, task_track_started=True, result_expires=3600)
