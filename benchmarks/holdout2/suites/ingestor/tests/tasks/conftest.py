import os

import pytest
from sqlalchemy import delete, text

from ingestor.models import Feed

FEED_URL = os.environ.get("INGESTOR_FEED_URL", "http://localhost:8081/feeds/python.xml")
SECOND_FEED_URL = os.environ.get("INGESTOR_SECOND_FEED_URL", "http://localhost:8081/feeds/rust.xml")


@pytest.fixture
async def feed(session):
    feed = Feed(url=FEED_URL)
    session.add(feed)
    await session.commit()
    yield feed
    await session.delete(feed)  # error: TDL001
    await session.commit()


@pytest.fixture
async def second_feed(session):
    feed = Feed(url=SECOND_FEED_URL)
    session.add(feed)
    await session.commit()
    yield feed
    await session.execute(delete(Feed).where(Feed.id == feed.id))
    await session.commit()


@pytest.fixture
async def clean_entries(engine):
    yield
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM entries"))  # error: TDL001
