import asyncio
from urllib.parse import urljoin

import httpx

LINK_LIMIT = 50


def _links(base_url, html):
    links = []
    for chunk in html.split('href="')[1:]:
        href = chunk.split('"', 1)[0]
        if href.startswith(("http://", "https://", "/")):
            links.append(urljoin(base_url, href))
    return links[:LINK_LIMIT]


async def crawl_site(pool, site_id, *, max_pages=20):
    """Crawl one site breadth-first, recording every page and the run's outcome."""
    run_id = await pool.fetchval(
        "INSERT INTO crawl_runs (site_id, status) VALUES ($1, 'running') RETURNING id", site_id
    )
    try:
        root = await pool.fetchval("SELECT url FROM sites WHERE id = $1", site_id)
        seen, frontier, pages = set(), [root], 0
        async with httpx.AsyncClient(timeout=10, follow_redirects=True) as http:
            while frontier and pages < max_pages:
                url = frontier.pop(0)
                if url in seen or not url.startswith(root):
                    continue
                seen.add(url)
                response = await http.get(url)
                await pool.execute(
                    "INSERT INTO pages (site_id, url, status) VALUES ($1, $2, $3)",
                    site_id, url, response.status_code,
                )
                pages += 1
                frontier.extend(_links(url, response.text))
        await pool.execute("UPDATE crawl_runs SET status = 'done', pages = $2 WHERE id = $1", run_id, pages)
        return pages
    except asyncio.CancelledError:
        await pool.execute("UPDATE crawl_runs SET status = 'cancelled' WHERE id = $1", run_id)
        raise
