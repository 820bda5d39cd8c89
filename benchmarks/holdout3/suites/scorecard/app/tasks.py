from sqlalchemy import or_, select, text, update

from .broker import broker
from .db import SessionLocal
from .models import Match, Scorecard, Season, Team


@broker.task(task_name="scorecard.compute")
async def compute_scorecard(team_id: int) -> dict:
    async with SessionLocal() as session:
        team = await session.get(Team, team_id)
        if team is None:
            raise LookupError(team_id)
        matches = (
            await session.scalars(select(Match).where(or_(Match.home_id == team_id, Match.away_id == team_id)))
        ).all()
        points = 0
        for m in matches:
            mine, theirs = (m.home_goals, m.away_goals) if m.home_id == team_id else (m.away_goals, m.home_goals)
            points += 3 if mine > theirs else 1 if mine == theirs else 0
        session.add(Scorecard(team_id=team_id, played=len(matches), points=points))
        await session.commit()
        return {"team": team.name, "played": len(matches), "points": points}


@broker.task(task_name="season.archive")
async def archive_season(season_id: int) -> int:
    async with SessionLocal() as session:
        await session.execute(update(Season).where(Season.id == season_id).values(archived=True))
        await session.commit()
        return season_id


@broker.task(task_name="scorecard.snapshot")
async def snapshot_scorecards(table_name: str) -> int:
    async with SessionLocal() as session:
        result = await session.execute(text(f"INSERT INTO {table_name} SELECT * FROM scorecards"))
        await session.commit()
        return result.rowcount


@broker.task(task_name="elo.recalc")
async def recalc_elo(match_id: int) -> None:
    async with SessionLocal() as session:
        match = await session.get(Match, match_id)
        delta = 16 if match.home_goals > match.away_goals else -16 if match.home_goals < match.away_goals else 0
        match.home.elo += delta
        match.away.elo -= delta
        await session.commit()
