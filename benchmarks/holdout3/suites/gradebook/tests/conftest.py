"""Shared fixtures for the gradebook suite.

The Celery worker for integration runs is started by docker-compose (`worker` service) and
talks to the same Postgres database, so tests that hit it talk to the real database (see ``_live_db``).
"""

import pytest
from django.contrib.auth import get_user_model

from gradebook.models import Course, Submission
from gradebook.tasks import notify_enrolled_students


@pytest.fixture(scope="session")
def django_db_setup():
    """Use the docker-compose database as-is; CI runs ``manage.py migrate`` beforehand."""


@pytest.fixture(scope="session", autouse=True)
def _live_db(django_db_setup, django_db_blocker):
    """No per-test transaction: the worker must see committed rows, so tests clean up after themselves."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def instructor():
    user, _ = get_user_model().objects.get_or_create(
        username="mhopper", defaults={"email": "mhopper@example.edu"}
    )
    return user


@pytest.fixture
def course(instructor):
    course = Course.objects.create(code="STAT101", title="Intro to Statistics", instructor=instructor)
    yield course
    course.delete()  # error: TDL001


@pytest.fixture
def submission(course):
    sub = Submission.objects.create(
        course=course,
        student_email="ada@example.edu",
        answers={"q1": {"correct": True}, "q2": {"correct": False}},
    )
    yield sub
    Submission.objects.filter(pk=sub.pk).delete()


@pytest.fixture
def published_course(instructor):
    """A published course; publishing mails every enrolled student in the background."""
    course = Course.objects.create(code="HIST210", title="Modern History", instructor=instructor, published=True)
    Submission.objects.create(course=course, student_email="grace@example.edu")
    mail_job = notify_enrolled_students.apply_async(args=(course.id,), queue="mail")
    yield course
    mail_job.get(timeout=20)
    course.delete()
