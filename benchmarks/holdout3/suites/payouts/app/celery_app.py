import os

from celery import Celery

celery = Celery(
    "payouts",
    broker=os.environ.get("PAYOUTS_BROKER_URL", "redis://localhost:6379/10"),
    backend=os.environ.get("PAYOUTS_RESULT_BACKEND", "redis://localhost:6379/11"),
    include=["app.tasks"],
)
celery.conf.update(
    task_acks_late=True,
    task_routes={"app.tasks.settle_payout": {"queue": "settlement"}},
    task_default_queue="payouts",
)
