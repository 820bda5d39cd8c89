import asyncio

from .fetcher import crawl_site


class CrawlScheduler:
    """Keeps track of the crawls it started so callers can drain or stop them."""

    def __init__(self, pool, *, max_pages=20):
        self._pool = pool
        self._max_pages = max_pages
        self._tasks: set[asyncio.Task] = set()

    @property
    def pending(self):
        return sum(1 for task in self._tasks if not task.done())

    def start(self, site_id):
        task = asyncio.create_task(
            crawl_site(self._pool, site_id, max_pages=self._max_pages), name=f"crawl-{site_id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self):
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def stop(self):
        for task in self._tasks:
            task.cancel()
