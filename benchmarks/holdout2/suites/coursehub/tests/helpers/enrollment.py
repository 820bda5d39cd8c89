from courses.models import Student
from courses.services import enroll_student


def make_students(count):
    return [
        Student.objects.create(email=f"student{i}@example.com", name=f"Student {i}")
        for i in range(count)
    ]


def enroll_many(course, students):
    return [enroll_student(course, student) for student in students]
