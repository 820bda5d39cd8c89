from django.conf import settings
from django.db import models


class Cohort(models.Model):
    name = models.CharField(max_length=64, unique=True)
    starts_on = models.DateField(null=True, blank=True)


class Course(models.Model):
    code = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    published = models.BooleanField(default=False)
    average_grade = models.DecimalField(max_digits=5, decimal_places=2, null=True)

    def __str__(self):
        return f"{self.code}: {self.title}"


class Rubric(models.Model):
    course = models.ForeignKey(Course, related_name="rubrics", on_delete=models.CASCADE)
    weights = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)


class Submission(models.Model):
    course = models.ForeignKey(Course, related_name="submissions", on_delete=models.CASCADE)
    cohort = models.ForeignKey(Cohort, null=True, related_name="submissions", on_delete=models.CASCADE)
    student_email = models.EmailField()
    answers = models.JSONField(default=dict)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    graded_at = models.DateTimeField(null=True)
