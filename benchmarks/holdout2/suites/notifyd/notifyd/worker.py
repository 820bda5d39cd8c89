from datetime import datetime, timezone

from bson import ObjectId
from motor.motor_asyncio import AsyncIOMotorClient

from .channels import push
from .settings import DB_NAME, MONGO_URL, REDIS_SETTINGS


async def startup(ctx):
    ctx["mongo"] = AsyncIOMotorClient(MONGO_URL)
    ctx["db"] = ctx["mongo"][DB_NAME]


async def shutdown(ctx):
    ctx["mongo"].close()


async def send_digest(ctx, user_id):
    """Queue one delivery per undelivered notification of the user."""
    db = ctx["db"]
    user = await db.users.find_one({"_id": ObjectId(user_id)})
    if user is None:
        raise LookupError(f"user {user_id} is gone")
    pending = await db.notifications.find({"user_id": user["_id"], "delivered": False}).to_list(length=100)
    for notification in pending:
        await ctx["redis"].enqueue_job("deliver_notification", str(notification["_id"]))
    return len(pending)


async def deliver_notification(ctx, notification_id):
    db = ctx["db"]
    notification = await db.notifications.find_one({"_id": ObjectId(notification_id)})
    if notification is None:
        raise LookupError(f"notification {notification_id} is gone")
    user = await db.users.find_one({"_id": notification["user_id"]})
    await push(user, notification["text"])
    await db.delivery_attempts.insert_one(
        {"notification_id": notification["_id"], "at": datetime.now(timezone.utc), "ok": True}
    )
    await db.notifications.update_one({"_id": notification["_id"]}, {"$set": {"delivered": True}})
    return "sent"


class WorkerSettings:
    functions = [send_digest, deliver_notification]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = REDIS_SETTINGS
    max_jobs = 20
