import time

from coursehub.celery import app as celery_app


def _queued_messages():
    with celery_app.connection_for_read() as conn:
        declared = conn.default_channel.queue_declare(
            queue=celery_app.conf.task_default_queue, passive=True
        )
        return declared.message_count


def wait_for_idle_workers(timeout=30.0, interval=0.2):
    """Block until the broker queue is empty and no worker holds a task."""
    inspector = celery_app.control.inspect(timeout=1.0)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        active = sum(len(tasks) for tasks in (inspector.active() or {}).values())
        reserved = sum(len(tasks) for tasks in (inspector.reserved() or {}).values())
        if _queued_messages() == 0 and active == 0 and reserved == 0:
            return
        time.sleep(interval)
    raise TimeoutError(f"celery workers still busy after {timeout}s")
