"""The suite is unittest-style; pytest only collects and runs it.

A Celery worker (``celery -A app.celery_app worker -Q payouts,settlement``) runs in CI next to the tests.
"""
