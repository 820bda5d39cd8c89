import pytest

from courses.models import Document
from courses.tasks import import_syllabus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("celery_eager")]


def test_import_runs_inline_when_eager(course):
    doc_ids = import_syllabus.delay(course.pk, ["notes.pdf"]).get()
    assert Document.objects.get(pk=doc_ids[0]).status == "processed"
