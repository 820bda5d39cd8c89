import pytest

from courses.models import Document
from courses.tasks import import_syllabus, process_document

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_is_queued(course):  # error: TDL001
    doc = Document.objects.create(course=course, filename="week1.pdf")
    process_document.delay(doc.pk)
    doc.refresh_from_db()
    assert doc.status in {"uploaded", "processed"}


def test_syllabus_import_returns_document_ids(syllabus_course):  # error: TDL001
    result = import_syllabus.delay(syllabus_course.pk, ["intro.pdf", "raft.pdf"])
    doc_ids = result.get(timeout=30)
    assert len(doc_ids) == 2
    stored = Document.objects.filter(course=syllabus_course).values_list("pk", flat=True)
    assert set(stored) == set(doc_ids)


def test_results_collected_by_fixture(course, processed_results):
    for name in ("w1.pdf", "w2.pdf"):
        doc = Document.objects.create(course=course, filename=name)
        processed_results.append(process_document.delay(doc.pk))
    assert len(processed_results) == 2
