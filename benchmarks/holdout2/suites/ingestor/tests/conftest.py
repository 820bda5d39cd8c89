import os

os.environ.setdefault("INGESTOR_ENV", "pytest")

import pytest  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine  # noqa: E402

from ingestor.broker import broker  # noqa: E402
from ingestor.db import Base  # noqa: E402
from ingestor.settings import DATABASE_URL  # noqa: E402


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
async def engine():
    engine = create_async_engine(DATABASE_URL)
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield engine
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)  # error: TDL001
    await engine.dispose()


@pytest.fixture
async def session(engine):
    async with AsyncSession(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
async def taskiq_broker():
    await broker.startup()
    yield broker
    await broker.shutdown()
