import xml.etree.ElementTree as ET

import httpx

from .db import SessionFactory
from .models import Feed


async def download_items(url):
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url)
        response.raise_for_status()
    root = ET.fromstring(response.text)
    return [
        {"title": item.findtext("title", ""), "link": item.findtext("link", "")}
        for item in root.iter("item")
    ]


async def refresh_feed_metadata(feed_id):
    async with SessionFactory() as session:
        feed = await session.get(Feed, feed_id)
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(feed.url)
        channel = ET.fromstring(response.text).find("channel")
        feed.title = channel.findtext("title", "") if channel is not None else ""
        await session.commit()
        return feed.title
