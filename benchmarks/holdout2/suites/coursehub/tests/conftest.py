import pytest
from celery.contrib.testing.worker import start_worker

from coursehub.celery import app as celery_app
from courses.models import Student


@pytest.fixture(scope="session", autouse=True)
def celery_worker_thread(django_db_setup, django_db_blocker):
    """One in-process worker (thread pool) against the real broker for the whole run."""
    with django_db_blocker.unblock():
        with start_worker(celery_app, pool="threads", concurrency=4, perform_ping_check=False, shutdown_timeout=30):
            yield


@pytest.fixture
def celery_eager():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield celery_app
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.fixture
def student():
    student = Student.objects.create(email="ada@example.com", name="Ada")
    yield student
    student.delete()
