from datetime import date
from unittest import mock

import pytest
import pytest_asyncio
from sqlalchemy import delete, text

from app.models import Match, Season, Team
from app.results import record_result
from app.tasks import archive_season, compute_scorecard, recalc_elo, snapshot_scorecards

from .helpers import kick_all


@pytest_asyncio.fixture
async def league_team(session):
    team = Team(name="Herons", city="Hull")
    session.add(team)
    await session.commit()
    yield team
    await session.execute(delete(Team).where(Team.id == team.id))
    await session.commit()


@pytest_asyncio.fixture
async def teams(session):
    batch = [Team(name=name) for name in ("Badgers", "Foxes", "Stoats")]
    session.add_all(batch)
    await session.commit()
    ids = [t.id for t in batch]
    yield batch
    await session.execute(delete(Team).where(Team.id.in_(ids)))  # error: TDL001
    await session.commit()


@pytest_asyncio.fixture
async def season_rollover(session):
    """Closing a season archives it in the background; the fixture hands the task to the test."""
    season = Season(name="2024/25", ends_on=date(2025, 5, 31))
    session.add(season)
    await session.commit()
    task = await archive_season.kiq(season.id)
    yield task
    await session.delete(season)
    await session.commit()


async def test_scorecard_is_kicked(team):
    await compute_scorecard.kiq(team.id)
    assert team.id is not None


async def test_scorecard_values(league_team):
    task = await compute_scorecard.kiq(league_team.id)
    result = await task.wait_result(timeout=10)
    assert not result.is_err
    assert result.return_value == {"team": "Herons", "played": 0, "points": 0}


async def test_season_rollover_archives(season_rollover):
    result = await season_rollover.wait_result(timeout=10)
    assert not result.is_err


async def test_first_team_scorecard(teams):
    tasks = await kick_all(teams)
    first = await tasks[0].wait_result(timeout=10)
    assert first.return_value["team"] == "Badgers"


async def test_match_result_triggers_elo(session):
    home, away = Team(name="Lynx"), Team(name="Wolves")
    match = Match(home=home, away=away)
    session.add_all([home, away, match])
    await session.commit()
    try:
        with mock.patch.object(recalc_elo, "kiq", new_callable=mock.AsyncMock) as kiq:
            await record_result(session, match.id, 2, 1)
        kiq.assert_awaited_once_with(match.id)
    finally:
        await session.delete(match)
        await session.commit()


async def test_snapshot_into_scratch_table(db_engine):
    async with db_engine.begin() as conn:
        await conn.execute(text("CREATE TABLE scorecard_snapshots_tmp (LIKE scorecards INCLUDING ALL)"))
    try:
        await snapshot_scorecards.kiq("scorecard_snapshots_tmp")
    finally:
        async with db_engine.begin() as conn:
            await conn.execute(text("DROP TABLE scorecard_snapshots_tmp"))  # error: TDL001


class TestSeasonArchive:
    @pytest_asyncio.fixture(autouse=True)
    async def _season(self, session):
        self.season = Season(name="2023/24", ends_on=date(2024, 5, 31))
        session.add(self.season)
        await session.commit()
        self.task = await archive_season.kiq(self.season.id)
        yield
        await self.task.wait_result(timeout=30)
        await session.execute(text("DELETE FROM seasons WHERE id = :id"), {"id": self.season.id})
        await session.commit()

    async def test_task_has_id(self):
        assert self.task.task_id

    @pytest.mark.parametrize("label", ["2023/24"])
    async def test_season_label(self, label):
        assert self.season.name == label
