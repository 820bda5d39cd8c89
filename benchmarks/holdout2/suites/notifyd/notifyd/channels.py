import httpx


async def push(user, text):
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.post(user.get("webhook", "http://localhost:8025/hook"), json={"text": text})
        response.raise_for_status()
