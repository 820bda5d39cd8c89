import unittest
from decimal import Decimal

from celery import chain
from sqlalchemy import delete, text

from app.celery_app import celery
from app.db import SessionLocal
from app.models import Payout
from app.tasks import notify_merchant, reconcile_merchant, settle_payout

from .helpers import make_merchant, make_payout, purge_merchant


class SettlementTaskTests(unittest.TestCase):
    def setUp(self):
        self.session = SessionLocal()
        self.addCleanup(self.session.close)
        self.merchant = make_merchant(self.session, "Blue Bottle Roasters")
        self.payout = make_payout(self.session, self.merchant, "125.00")

    def tearDown(self):
        self.session.delete(self.merchant)  # error: TDL001
        self.session.commit()

    def test_settlement_is_queued(self):
        self.result = settle_payout.apply_async(args=[self.payout.id], queue="settlement")
        self.assertTrue(self.result.id)

    def test_settlement_completes(self):
        result = settle_payout.delay(self.payout.id)
        self.assertEqual(result.get(timeout=30)["status"], "settled")


class ReconciliationTests(unittest.TestCase):
    def setUp(self):
        self.session = SessionLocal()
        self.addCleanup(self.session.close)
        self.merchant = make_merchant(self.session, "Kettle & Co")
        self.addCleanup(purge_merchant, self.merchant.id)  # error: TDL001

    def test_reconcile_is_fire_and_forget(self):
        reconcile_merchant.delay(self.merchant.id)

    def test_reconcile_empty_ledger(self):
        res = reconcile_merchant.delay(self.merchant.id)
        self.assertEqual(res.get(timeout=30), Decimal("0"))


class EagerReconcileTests(unittest.TestCase):
    """Runs tasks in-process so the ledger maths can be checked without a worker."""

    @classmethod
    def setUpClass(cls):
        celery.conf.update(task_always_eager=True, task_eager_propagates=True)

    @classmethod
    def tearDownClass(cls):
        celery.conf.update(task_always_eager=False, task_eager_propagates=False)

    def setUp(self):
        self.session = SessionLocal()
        self.addCleanup(self.session.close)
        self.merchant = make_merchant(self.session, "Eager Beavers Ltd")
        self.addCleanup(purge_merchant, self.merchant.id)

    def test_reconcile_runs_inline(self):
        res = reconcile_merchant.delay(self.merchant.id)
        self.assertTrue(res.successful())


class PayoutLifecycleTests(unittest.TestCase):
    def setUp(self):
        self.session = SessionLocal()
        self.addCleanup(self.session.close)
        self.merchant = make_merchant(self.session, "Night Owl Bakery")
        self.payout = make_payout(self.session, self.merchant, "980.00")

    def test_scheduled_payout_can_be_revoked(self):
        result = settle_payout.apply_async(args=[self.payout.id], countdown=300)
        try:
            self.assertEqual(result.state, "PENDING")
        finally:
            result.revoke()
            self.session.execute(text("DELETE FROM payouts WHERE id = :id"), {"id": self.payout.id})
            self.session.commit()

    def test_settle_then_notify(self):
        res = chain(settle_payout.s(self.payout.id), notify_merchant.s()).apply_async()
        try:
            self.assertEqual(res.parent.get(timeout=30)["status"], "settled")
        finally:
            self.session.execute(delete(Payout).where(Payout.id == self.payout.id))  # error: TDL001
            self.session.commit()


if __name__ == "__main__":
    unittest.main()
