from datetime import datetime, timezone

import dramatiq

from notifier import broker as _broker  # noqa: F401  (installs the global broker)
from notifier.mongo import get_db


@dramatiq.actor(queue_name="default", max_retries=3)
def send_digest(user_id: str) -> None:
    db = get_db()
    user = db.users.find_one({"_id": user_id})
    if user is None:
        raise LookupError(user_id)
    items = list(db.inbox.find({"user_id": user_id, "read": False}).limit(20))
    body = "\n".join(f"- {item['subject']}" for item in items) or "Nothing new."
    db.digests.insert_one({"user_id": user_id, "items": len(items), "at": datetime.now(timezone.utc)})
    deliver_email.send(user["email"], "Your daily digest", body)


@dramatiq.actor(queue_name="emails", max_retries=5, min_backoff=500)
def deliver_email(to: str, subject: str, body: str) -> None:
    db = get_db()
    db.outbox.insert_one({"to": to, "subject": subject, "body": body, "at": datetime.now(timezone.utc)})


@dramatiq.actor(queue_name="default")
def record_open(user_id: str, message_id: str) -> None:
    db = get_db()
    db.inbox.update_one({"user_id": user_id, "message_id": message_id}, {"$set": {"read": True}})
    db.users.update_one({"_id": user_id}, {"$inc": {"opens": 1}})


@dramatiq.actor(queue_name="default", time_limit=60_000)
def rebuild_inbox(user_id: str) -> int:
    db = get_db()
    unread = db.inbox.count_documents({"user_id": user_id, "read": False})
    db.users.update_one({"_id": user_id}, {"$set": {"unread": unread}})
    return unread
