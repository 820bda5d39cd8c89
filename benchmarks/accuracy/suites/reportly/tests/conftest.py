import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from reports.models import Report


@pytest.fixture(scope="session")
def celery_live_worker(django_db_setup, django_db_blocker):
    """A real worker thread (solo pool) shared by the whole session.

    Tasks run on the worker thread's own DB connection, so every test that talks to it
    has to commit: TransactionTestCase, or django_db(transaction=True).
    """
    with django_db_blocker.unblock():
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", "owner@example.com", "s3cret")


@pytest.fixture
def report(owner):
    return Report.objects.create(owner=owner, title="Q3 revenue")
