import csv
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from .db import SessionLocal
from .mail import send_email
from .models import Account, Statement, Transaction
from .queues import default_queue, redis_conn


def balance_key(account_id):
    return f"ledger:balance:{account_id}"


def post_transaction(transaction_id):
    """Apply a transaction to its account, cache the balance, then notify the owner."""
    with SessionLocal() as session:
        tx = session.get(Transaction, transaction_id)
        account = session.get(Account, tx.account_id)
        account.balance += tx.amount
        tx.posted = True
        session.commit()
        redis_conn.set(balance_key(account.id), str(account.balance))
    default_queue.enqueue(notify_owner, account.id, tx.id)
    return str(account.balance)


def notify_owner(account_id, transaction_id):
    with SessionLocal() as session:
        account = session.get(Account, account_id)
        tx = session.get(Transaction, transaction_id)
        cached = redis_conn.get(balance_key(account_id))
        balance = cached.decode() if cached else str(account.balance)
        send_email(account.owner_email, "Transaction posted", f"{tx.amount} posted; balance {balance}")


def reconcile(account_id):
    with SessionLocal() as session:
        account = session.get(Account, account_id)
        if account is None:
            return "skipped"
        total = sum(
            (tx.amount for tx in session.scalars(select(Transaction).where(Transaction.account_id == account_id))),
            Decimal("0"),
        )
        account.balance = total
        session.commit()
        return str(total)


def render_statement(statement_id, out_dir):
    with SessionLocal() as session:
        statement = session.get(Statement, statement_id)
        rows = session.scalars(select(Transaction).where(Transaction.account_id == statement.account_id)).all()
        target = Path(out_dir) / f"statement-{statement.account_id}-{statement.period}.csv"
        with target.open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "amount", "memo"])
            for tx in rows:
                writer.writerow([tx.id, tx.amount, tx.memo])
        return str(target)
