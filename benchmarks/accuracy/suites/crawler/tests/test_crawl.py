import asyncio

import pytest
from arq.jobs import JobStatus


async def test_scrape_page_stores_html(arq_redis, pages):
    job = await arq_redis.enqueue_job("scrape_page", pages[0].id)

    assert await job.result(timeout=20) > 0


async def test_crawl_site_fans_out(arq_redis, site, pages):
    job = await arq_redis.enqueue_job("crawl_site", site.id)

    # crawl_site only enqueues the per-page scrapes and the ranking
    assert await job.result(timeout=30) == len(pages)


@pytest.mark.usefixtures("rank_cache")
async def test_rank_is_enqueued(arq_redis, site):
    job = await arq_redis.enqueue_job("compute_rank", site.id)

    assert job is not None
    assert await job.status() in {JobStatus.deferred, JobStatus.queued, JobStatus.in_progress, JobStatus.complete}


async def test_duplicate_job_id_is_ignored(arq_redis, site):
    first = await arq_redis.enqueue_job("compute_rank", site.id, _job_id=f"rank-{site.id}")
    second = await arq_redis.enqueue_job("compute_rank", site.id, _job_id=f"rank-{site.id}")

    assert second is None
    assert await first.result(timeout=20) >= 0


async def test_every_page_scraped(arq_redis, pages):
    jobs = [await arq_redis.enqueue_job("scrape_page", page.id) for page in pages]

    sizes = await asyncio.gather(*(job.result(timeout=30) for job in jobs))

    assert all(size > 0 for size in sizes)
