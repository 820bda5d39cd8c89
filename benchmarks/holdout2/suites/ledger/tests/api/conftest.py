import pytest

from ledger import create_app, queues


@pytest.fixture
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(autouse=True)
def recorded_jobs(monkeypatch):
    """API tests never hit the worker: record what the endpoints would enqueue."""
    jobs = []
    monkeypatch.setattr(
        queues.default_queue, "enqueue", lambda func, *args, **kwargs: jobs.append((func, args))
    )
    return jobs
