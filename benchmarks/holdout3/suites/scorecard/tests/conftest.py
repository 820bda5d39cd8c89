import pytest
import pytest_asyncio

from app.broker import broker
from app.db import SessionLocal, engine
from app.models import Team


@pytest_asyncio.fixture(scope="session", autouse=True)
async def _broker_lifecycle():
    await broker.startup()
    yield
    await broker.shutdown()


@pytest.fixture(scope="session")
def db_engine():
    return engine


@pytest_asyncio.fixture
async def session():
    async with SessionLocal() as s:
        yield s


@pytest_asyncio.fixture
async def team(session):
    team = Team(name="Otters", city="Oslo")
    session.add(team)
    await session.commit()
    yield team
    await session.delete(team)  # error: TDL001
    await session.commit()
