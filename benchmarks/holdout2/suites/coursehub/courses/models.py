from django.db import models


class Course(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.title


class Document(models.Model):
    STATUS_CHOICES = [("uploaded", "Uploaded"), ("processed", "Processed"), ("failed", "Failed")]

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="documents")
    filename = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default="uploaded")
    page_count = models.PositiveIntegerField(null=True)


class Student(models.Model):
    email = models.EmailField()
    name = models.CharField(max_length=120)


class Enrollment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    student = models.ForeignKey(Student, on_delete=models.CASCADE)
    welcomed_at = models.DateTimeField(null=True)
