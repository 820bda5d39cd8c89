from .models import Enrollment
from .tasks import send_welcome_email


def enroll_student(course, student):
    enrollment = Enrollment.objects.create(course=course, student=student)
    send_welcome_email.delay(enrollment.pk)
    return enrollment
