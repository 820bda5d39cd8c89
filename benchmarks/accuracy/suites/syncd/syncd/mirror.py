import asyncio
import shutil
from pathlib import Path


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


async def mirror_folder(src: Path, dst: Path) -> int:
    """Copy every file under `src` to `dst`, one file at a time, off the event loop."""
    copied = 0
    for path in sorted(src.rglob("*")):
        if path.is_file():
            await asyncio.to_thread(_copy, path, dst / path.relative_to(src))
            copied += 1
    return copied
