from .fetcher import crawl_site
from .scheduler import CrawlScheduler

__all__ = ["CrawlScheduler", "crawl_site"]
