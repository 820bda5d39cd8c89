from flask import Blueprint, abort, jsonify

from .db import SessionLocal
from .jobs import reconcile
from .models import Account
from .queues import default_queue

bp = Blueprint("accounts", __name__, url_prefix="/accounts")


@bp.post("/<int:account_id>/close")
def close_account(account_id):
    with SessionLocal() as session:
        account = session.get(Account, account_id)
        if account is None:
            abort(404)
        account.closed = True
        session.commit()
    job = default_queue.enqueue(reconcile, account_id)
    return jsonify({"job": getattr(job, "id", None)}), 202
