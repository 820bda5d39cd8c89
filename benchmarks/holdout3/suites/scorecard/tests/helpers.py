from app.tasks import compute_scorecard


async def kick_all(teams):
    """Kick one scorecard computation per team and return the task handles in order."""
    return [await compute_scorecard.kiq(team.id) for team in teams]
