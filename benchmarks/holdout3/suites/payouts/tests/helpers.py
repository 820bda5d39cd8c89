from decimal import Decimal

from sqlalchemy import text

from app.db import engine
from app.models import Merchant, Payout


def make_merchant(session, name, iban="DE89370400440532013000"):
    merchant = Merchant(name=name, iban=iban)
    session.add(merchant)
    session.commit()
    return merchant


def make_payout(session, merchant, amount):
    payout = Payout(merchant=merchant, amount=Decimal(amount))
    session.add(payout)
    session.commit()
    return payout


def purge_merchant(merchant_id):
    """Remove a merchant and everything hanging off it, bypassing the ORM."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entries WHERE merchant_id = :m"), {"m": merchant_id})
        conn.execute(text("DELETE FROM payouts WHERE merchant_id = :m"), {"m": merchant_id})
        conn.execute(text("DELETE FROM merchants WHERE id = :m"), {"m": merchant_id})
