from decimal import Decimal

from ledger.jobs import reconcile
from ledger.models import Account


def test_close_endpoint_schedules_reconcile(client, account, recorded_jobs):
    response = client.post(f"/accounts/{account.id}/close")
    assert response.status_code == 202
    assert recorded_jobs == [(reconcile, (account.id,))]


def test_account_removed_while_reconcile_pending(db_session, queue):
    account = Account(owner_email="gone@example.com", balance=Decimal("0"))
    db_session.add(account)
    db_session.commit()
    job = queue.enqueue(reconcile, account.id)
    db_session.delete(account)
    db_session.commit()
    assert job.id
