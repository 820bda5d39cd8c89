import pytest

pytestmark = pytest.mark.asyncio


async def test_scheduler_names_tasks(pool, site, scheduler):
    task = scheduler.start(site)
    assert task.get_name() == f"crawl-{site}"


async def test_scheduler_counts_pending(scheduler, site):
    scheduler.start(site)
    assert scheduler.pending == 1
