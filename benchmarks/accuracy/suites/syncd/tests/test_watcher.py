import asyncio
import contextlib

import pytest

from syncd.watcher import watch_changes


@pytest.mark.asyncio
async def test_new_file_is_reported(workspace):
    events: asyncio.Queue = asyncio.Queue()
    watcher = asyncio.create_task(watch_changes(workspace / "src", events))

    (workspace / "src" / "new.txt").write_text("hello")
    seen = set()
    while "new.txt" not in seen:
        change = await asyncio.wait_for(events.get(), timeout=2)
        seen.add(change.path.name)

    watcher.cancel()


@pytest.mark.asyncio
async def test_watcher_stops_cleanly(workspace):
    events: asyncio.Queue = asyncio.Queue()
    watcher = asyncio.create_task(watch_changes(workspace / "src", events))
    await asyncio.wait_for(events.get(), timeout=2)

    watcher.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await watcher

    assert (workspace / "src" / ".syncd-checkpoint.json").exists()
