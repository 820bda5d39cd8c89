import pytest
from django.contrib.auth import get_user_model
from django.test import TransactionTestCase

from reports.models import Report
from reports.tasks import build_report, publish_report

User = get_user_model()


@pytest.mark.usefixtures("celery_live_worker")
class BuildReportTests(TransactionTestCase):
    def setUp(self):
        self.owner = User.objects.create_user("ana", "ana@example.com", "pw")
        self.report = Report.objects.create(owner=self.owner, title="Weekly KPIs")

    def test_build_is_queued(self):  # error: TDL001
        build_report.delay(self.report.pk)

        self.report.refresh_from_db()
        # the worker may or may not have picked it up yet
        self.assertIn(
            self.report.status,
            {Report.Status.DRAFT, Report.Status.BUILDING, Report.Status.DONE},
        )

    def test_publish_sets_timestamp(self):  # error: TDL001
        result = publish_report.delay(self.report.pk)

        self.assertEqual(result.get(timeout=30), self.report.pk)
        self.report.refresh_from_db()
        self.assertIsNotNone(self.report.published_at)

    def test_scheduled_rebuild_can_be_revoked(self):
        result = build_report.apply_async((self.report.pk,), countdown=600)
        self.addCleanup(result.revoke)

        self.assertEqual(result.state, "PENDING")


@pytest.mark.usefixtures("celery_live_worker")
class RebuildTwiceTests(TransactionTestCase):
    """Results are collected in tearDown, so the flush afterwards is safe."""

    def setUp(self):
        self.owner = User.objects.create_user("bo", "bo@example.com", "pw")
        self.report = Report.objects.create(owner=self.owner, title="Monthly churn")
        self.pending = []

    def tearDown(self):
        for result in self.pending:
            result.get(timeout=60)

    def test_rebuild_twice_is_idempotent(self):
        self.pending.append(build_report.delay(self.report.pk))
        self.pending.append(build_report.delay(self.report.pk))

        self.assertEqual(len(self.pending), 2)
