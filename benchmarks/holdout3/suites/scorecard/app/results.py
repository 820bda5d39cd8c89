from .models import Match
from .tasks import recalc_elo


async def record_result(session, match_id, home_goals, away_goals):
    match = await session.get(Match, match_id)
    match.home_goals, match.away_goals = home_goals, away_goals
    await session.commit()
    await recalc_elo.kiq(match_id)
    return match
