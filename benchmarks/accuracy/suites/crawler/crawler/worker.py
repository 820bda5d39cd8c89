"""arq worker: `arq crawler.worker.WorkerSettings`."""
from datetime import timedelta

import httpx
from arq.connections import RedisSettings
from sqlalchemy import select

from crawler.models import Page, SessionLocal
from crawler.settings import REDIS_DSN


async def scrape_page(ctx, page_id: int) -> int:
    async with SessionLocal() as session:
        page = await session.get(Page, page_id)
        if page is None:
            raise LookupError(f"page {page_id} vanished")
        response = await ctx["http"].get(page.url)
        page.status_code = response.status_code
        page.html = response.text
        await session.commit()
        return len(response.text)


async def crawl_site(ctx, site_id: int) -> int:
    async with SessionLocal() as session:
        page_ids = (await session.scalars(select(Page.id).where(Page.site_id == site_id))).all()
    for page_id in page_ids:
        await ctx["redis"].enqueue_job("scrape_page", page_id)
    await ctx["redis"].enqueue_job("compute_rank", site_id, _defer_by=timedelta(seconds=5))
    return len(page_ids)


async def compute_rank(ctx, site_id: int) -> float:
    async with SessionLocal() as session:
        pages = (await session.scalars(select(Page).where(Page.site_id == site_id))).all()
    seed = float(await ctx["redis"].get(f"rank:{site_id}:seed") or 0.15)
    score = seed + sum(1 for p in pages if p.status_code == 200) / max(len(pages), 1)
    await ctx["redis"].set(f"rank:{site_id}", score)
    return score


async def startup(ctx):
    ctx["http"] = httpx.AsyncClient(timeout=10, follow_redirects=True)


async def shutdown(ctx):
    await ctx["http"].aclose()


class WorkerSettings:
    functions = [scrape_page, crawl_site, compute_rank]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(REDIS_DSN)
    max_jobs = 20
