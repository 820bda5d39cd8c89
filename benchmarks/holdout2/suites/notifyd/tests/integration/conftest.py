import pytest_asyncio


@pytest_asyncio.fixture
async def user(mongo):
    inserted = await mongo.users.insert_one({"email": "lin@example.com", "digest": "daily"})
    yield inserted.inserted_id
    await mongo.users.delete_one({"_id": inserted.inserted_id})  # error: TDL001


@pytest_asyncio.fixture
async def user_with_notifications(mongo):
    user_id = (await mongo.users.insert_one({"email": "kim@example.com", "digest": "daily"})).inserted_id
    await mongo.notifications.insert_many(
        [{"user_id": user_id, "text": f"update {i}", "delivered": False} for i in range(3)]
    )
    yield user_id
    await mongo.notifications.delete_many({"user_id": user_id})  # error: TDL001
    await mongo.users.delete_one({"_id": user_id})  # error: TDL001
