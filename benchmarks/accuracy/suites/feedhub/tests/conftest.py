"""No worker runs next to the tests: jobs run only when a test drains a queue with a burst
SimpleWorker (and whatever is left over is drained once at the end of the session)."""
import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from feedhub.db import Base, Feed
from feedhub.settings import DATABASE_URL, REDIS_URL


@pytest.fixture(scope="session")
def redis_conn():
    conn = Redis.from_url(REDIS_URL)
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def engine():
    eng = create_engine(DATABASE_URL)
    Base.metadata.create_all(eng)
    yield eng
    Base.metadata.drop_all(eng)
    eng.dispose()


@pytest.fixture(scope="session")
def queues(engine, redis_conn):
    qs = {name: Queue(name, connection=redis_conn) for name in ("default", "low")}
    yield qs
    # run whatever the tests left behind while the schema still exists
    SimpleWorker(list(qs.values()), connection=redis_conn).work(burst=True)


@pytest.fixture
def db_session(engine):
    session = Session(engine, expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def feed(db_session):
    feed = Feed(url="http://feeds.test:8089/example.xml", title="Example")
    db_session.add(feed)
    db_session.commit()
    yield feed
    db_session.delete(feed)  # error: TDL001
    db_session.commit()


@pytest.fixture
def feed_factory(db_session):
    created = []

    def make(n: int = 1) -> list[Feed]:
        batch = [Feed(url=f"http://feeds.test:8089/f{len(created) + i}.xml", title="generated") for i in range(n)]
        db_session.add_all(batch)
        db_session.commit()
        created.extend(batch)
        return batch

    yield make
    db_session.query(Feed).filter(Feed.id.in_([f.id for f in created])).delete(synchronize_session=False)
    db_session.commit()
