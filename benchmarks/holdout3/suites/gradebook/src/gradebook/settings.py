import os

SECRET_KEY = os.environ.get("GRADEBOOK_SECRET_KEY", "dev-only")
DEBUG = True
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "gradebook",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("GRADEBOOK_DB", "gradebook"),
        "HOST": os.environ.get("PGHOST", "localhost"),
        "USER": os.environ.get("PGUSER", "gradebook"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
    }
}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://localhost:6379/3")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://localhost:6379/4")
CELERY_TASK_ROUTES = {"gradebook.tasks.notify_enrolled_students": {"queue": "mail"}}
GRADEBOOK_STRICT = os.environ.get("GRADEBOOK_STRICT") == "1"
USE_TZ = True
