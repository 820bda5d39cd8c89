from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from .celery_app import celery
from .db import SessionLocal
from .models import LedgerEntry, Merchant, Payout


@celery.task(bind=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def settle_payout(self, payout_id):
    with SessionLocal() as session:
        payout = session.get(Payout, payout_id)
        if payout is None:
            raise LookupError(f"payout {payout_id} does not exist")
        payout.status = "settled"
        payout.settled_at = datetime.now(timezone.utc)
        session.add(LedgerEntry(merchant_id=payout.merchant_id, payout_id=payout.id, amount=-payout.amount))
        session.commit()
        return {"payout_id": payout.id, "merchant_id": payout.merchant_id, "status": payout.status}


@celery.task
def notify_merchant(settlement):
    with SessionLocal() as session:
        merchant = session.get(Merchant, settlement["merchant_id"])
        payout = session.get(Payout, settlement["payout_id"])
        return f"Dear {merchant.name}, payout #{payout.id} of {payout.amount} is on its way."


@celery.task
def reconcile_merchant(merchant_id):
    with SessionLocal() as session:
        merchant = session.get(Merchant, merchant_id)
        ledger = session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.merchant_id == merchant.id)
        )
        return Decimal(ledger)
