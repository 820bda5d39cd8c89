"""Grading tasks against a live worker (``pytest -m integration``)."""

import pytest
from celery import group
from django.conf import settings

from gradebook.models import Cohort, Course, Rubric, Submission
from gradebook.tasks import grade_submission, recompute_course_grades, regrade_with_rubric

from .helpers import make_submissions

pytestmark = pytest.mark.integration


def test_recompute_is_queued_on_publish(course):
    """Publishing a course schedules an average-grade refresh."""
    course.published = True
    course.save()
    recompute_course_grades.delay(course.id)
    assert Course.objects.filter(pk=course.pk, published=True).exists()


def test_grade_submission_returns_score(submission):
    result = grade_submission.delay(submission.id)
    payload = result.get(timeout=30)
    assert payload["status"] == "graded"
    submission.refresh_from_db()
    assert submission.score == 50


def test_signature_is_built_but_not_sent(submission):
    sig = grade_submission.s(submission.id).set(countdown=10)
    assert sig.args == (submission.id,)
    assert sig.options["countdown"] == 10


def test_grade_inline_with_apply(submission):
    """``apply`` runs the task in-process; nothing reaches the broker."""
    outcome = grade_submission.apply(args=(submission.id,))
    assert outcome.successful()


def test_publish_notifies_students(published_course):
    assert published_course.published


def test_regrade_after_rubric_change(course):
    rubric = Rubric.objects.create(course=course, weights={"q1": 2}, version=2)
    try:
        res = regrade_with_rubric.apply_async((rubric.id,), countdown=0)
        if settings.GRADEBOOK_STRICT:
            assert res.get(timeout=30) == course.id
    finally:
        rubric.delete()  # error: TDL001


class TestBulkGrading:
    @pytest.fixture(autouse=True)
    def _cohort(self, course):
        self.course = course
        self.cohort = Cohort.objects.create(name="2024-fall")
        yield
        Cohort.objects.filter(pk=self.cohort.pk).delete()  # error: TDL001

    @pytest.mark.parametrize("count", [1, 5])
    def test_each_submission_is_queued(self, count):
        for sub in make_submissions(self.course, self.cohort, count):
            grade_submission.delay(sub.id)
        assert Submission.objects.filter(cohort=self.cohort).count() == count

    def test_group_grading_joins(self):
        subs = make_submissions(self.course, self.cohort, 4)
        job = group(grade_submission.s(s.id) for s in subs).apply_async()
        results = job.join(timeout=60)
        assert [r["status"] for r in results] == ["graded"] * 4
