from decimal import Decimal

from rq import Queue

from ledger.jobs import post_transaction
from ledger.models import Transaction
from tests.support.waiting import wait_for_queue


def make_transaction(db_session, account, amount, memo="deposit"):
    tx = Transaction(account_id=account.id, amount=Decimal(amount), memo=memo)
    db_session.add(tx)
    db_session.commit()
    return tx


def test_posting_updates_balance(db_session, account, queue):
    tx = make_transaction(db_session, account, "25.00")
    job = queue.enqueue(post_transaction, tx.id)
    result = job.latest_result(timeout=30)
    assert result.return_value == "25.00"


def test_posting_and_notification_complete(db_session, account, queue):
    tx = make_transaction(db_session, account, "40.00")
    queue.enqueue(post_transaction, tx.id)
    wait_for_queue(queue, timeout=30)
    db_session.refresh(account)
    assert account.balance == Decimal("40.00")


def test_posting_runs_inline(db_session, account, redis_conn):
    tx = make_transaction(db_session, account, "12.50")
    inline = Queue("default", connection=redis_conn, is_async=False)
    job = inline.enqueue(post_transaction, tx.id)
    assert job.return_value() == "12.50"
