"""Background grading work. Every task re-reads its rows, so deleting them mid-flight
raises ``DoesNotExist`` inside the worker."""

from decimal import Decimal

from celery import shared_task
from django.db.models import Avg
from django.utils import timezone

from .models import Course, Rubric, Submission
from .scoring import score_answers


@shared_task(bind=True, max_retries=3, acks_late=True)
def grade_submission(self, submission_id):
    submission = Submission.objects.select_related("course").get(pk=submission_id)
    rubric = submission.course.rubrics.order_by("-version").first()
    submission.score = score_answers(submission.answers, rubric.weights if rubric else {})
    submission.graded_at = timezone.now()
    submission.save(update_fields=["score", "graded_at"])
    return {"status": "graded", "score": float(submission.score)}


@shared_task
def recompute_course_grades(course_id):
    course = Course.objects.get(pk=course_id)
    avg = course.submissions.exclude(score=None).aggregate(avg=Avg("score"))["avg"]
    course.average_grade = avg or Decimal("0")
    course.save(update_fields=["average_grade"])
    return float(course.average_grade)


@shared_task
def regrade_with_rubric(rubric_id):
    rubric = Rubric.objects.select_related("course").get(pk=rubric_id)
    for submission in rubric.course.submissions.all():
        grade_submission.delay(submission.pk)
    return rubric.course_id


@shared_task(rate_limit="20/m")
def notify_enrolled_students(course_id):
    course = Course.objects.get(pk=course_id)
    emails = list(course.submissions.values_list("student_email", flat=True).distinct())
    return len(emails)
