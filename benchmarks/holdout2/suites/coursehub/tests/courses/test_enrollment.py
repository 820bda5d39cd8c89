import pytest

from courses.models import Enrollment, Student
from courses.services import enroll_student
from tests.helpers.enrollment import enroll_many, make_students
from tests.helpers.results import wait_for_idle_workers


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [1, 3])
def test_bulk_enrollment_sends_welcome(course, count):  # error: TDL001
    enrollments = enroll_many(course, make_students(count))
    assert Enrollment.objects.filter(course=course).count() == count == len(enrollments)


@pytest.mark.django_db(transaction=True)
def test_enrollment_email_patched(course, mocker):
    delay = mocker.patch("courses.services.send_welcome_email.delay")
    enrollment = enroll_student(course, Student.objects.create(email="grace@example.com", name="Grace"))
    delay.assert_called_once_with(enrollment.pk)


@pytest.mark.django_db(transaction=True)
def test_welcome_email_marks_enrollment(course, student):
    enrollment = enroll_student(course, student)
    wait_for_idle_workers()
    enrollment.refresh_from_db()
    assert enrollment.welcomed_at is not None
