import uuid

import pytest

from courses.models import Course, Document


def _slug(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def course():
    course = Course.objects.create(title="Intro to Databases", slug=_slug("db"))
    yield course
    course.delete()  # error: TDL001


@pytest.fixture
def syllabus_course():
    course = Course.objects.create(title="Distributed Systems", slug=_slug("ds"))
    yield course
    Document.objects.filter(course=course).delete()  # error: TDL001
    course.delete()  # error: TDL001


@pytest.fixture
def processed_results():
    """Collects the AsyncResults a test starts and waits for all of them on the way out."""
    results = []
    yield results
    for result in results:
        result.get(timeout=30)
