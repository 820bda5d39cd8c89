import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

CHECKPOINT = ".syncd-checkpoint.json"


@dataclass(frozen=True)
class Change:
    path: Path
    mtime: float


def _write_checkpoint(root: Path, seen: dict[str, float]) -> None:
    (root / CHECKPOINT).write_text(json.dumps(seen))


async def watch_changes(root: Path, events: asyncio.Queue, interval: float = 0.05) -> None:
    seen: dict[str, float] = {}
    try:
        while True:
            for path in root.rglob("*"):
                if path.is_file() and path.name != CHECKPOINT:
                    mtime = path.stat().st_mtime
                    if seen.get(str(path)) != mtime:
                        seen[str(path)] = mtime
                        await events.put(Change(path, mtime))
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        # persist what we have seen so a restart doesn't resend everything
        await asyncio.to_thread(_write_checkpoint, root, seen)
        raise
