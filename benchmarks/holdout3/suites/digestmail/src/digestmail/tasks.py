"""Digest tasks; the consumer runs as ``huey_consumer digestmail.tasks.huey -w 4``."""

from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from huey import crontab

from . import store
from .config import DB_PATH, huey


@huey.task()
def build_digest(user_id):
    db = store.connect(DB_PATH)
    try:
        (email,) = db.execute("SELECT email FROM users WHERE id = ?", (user_id,)).fetchone()
        items = store.unread_items(db, user_id)
        body = "\n".join(f"- {item[0]}" for item in items)
        return store.create_digest(db, user_id, f"Hello {email},\n{body}")
    finally:
        db.close()


@huey.task(retries=2, retry_delay=10)
def deliver_digest(digest_id, outbox):
    db = store.connect(DB_PATH)
    try:
        email, body = db.execute(
            "SELECT u.email, d.body FROM digests d JOIN users u ON u.id = d.user_id WHERE d.id = ?", (digest_id,)
        ).fetchone()
        msg = EmailMessage()
        msg["To"] = email
        msg["Subject"] = "Your weekly digest"
        msg.set_content(body)
        target = Path(outbox) / f"digest-{digest_id}.eml"
        target.write_bytes(bytes(msg))
        db.execute(
            "UPDATE digests SET delivered_at = ? WHERE id = ?", (datetime.now(timezone.utc).isoformat(), digest_id)
        )
        db.commit()
        return str(target)
    finally:
        db.close()


@huey.periodic_task(crontab(day_of_week="1", hour="6", minute="0"))
def weekly_digests():
    db = store.connect(DB_PATH)
    for (user_id,) in db.execute("SELECT id FROM users"):
        build_digest(user_id)
