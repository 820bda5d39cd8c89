from ledger.jobs import render_statement
from ledger.models import Statement


def test_statement_job_queued(db_session, account, reports_queue, statement_dir):
    statement = Statement(account_id=account.id, period="2024-05")
    db_session.add(statement)
    db_session.commit()
    job = reports_queue.enqueue(render_statement, statement.id, str(statement_dir))
    assert job.get_status() == "queued"
    assert reports_queue.count == 1
