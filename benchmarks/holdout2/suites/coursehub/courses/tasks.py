from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

from .models import Course, Document, Enrollment
from .pdf import count_pages


@shared_task(bind=True, max_retries=3)
def process_document(self, document_id):
    doc = Document.objects.select_related("course").get(pk=document_id)
    doc.page_count = count_pages(doc.filename)
    doc.status = "processed"
    doc.save(update_fields=["page_count", "status"])
    return doc.status


@shared_task
def import_syllabus(course_id, filenames):
    """Create one Document per file and hand each to `process_document`."""
    course = Course.objects.get(pk=course_id)
    doc_ids = []
    for name in filenames:
        doc = Document.objects.create(course=course, filename=name)
        process_document.delay(doc.pk)
        doc_ids.append(doc.pk)
    return doc_ids


@shared_task
def send_welcome_email(enrollment_id):
    enrollment = Enrollment.objects.select_related("course", "student").get(pk=enrollment_id)
    send_mail(
        subject=f"Welcome to {enrollment.course.title}",
        message=f"Hi {enrollment.student.name}, see you in class!",
        from_email="noreply@coursehub.test",
        recipient_list=[enrollment.student.email],
    )
    enrollment.welcomed_at = timezone.now()
    enrollment.save(update_fields=["welcomed_at"])
