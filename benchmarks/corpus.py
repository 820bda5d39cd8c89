"""Real projects' sources from their PyPI sdists, downloaded once and unpacked into a cache directory.

Shared by `real_suites.py` and `run.py`: `fetch("celery==5.7.0", cache)` runs
`pip download --no-deps --no-binary :all:` the first time and returns the unpacked directory.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

DEFAULT_CACHE = Path.home() / ".cache" / "teardown-lint-bench"


def _archive(name: str, version: str, cache: Path) -> Path | None:
    prefix = f"{name.lower().replace('_', '-')}-{version}"
    for candidate in sorted(cache.glob("*.tar.gz")):
        if candidate.name.lower().replace("_", "-") == f"{prefix}.tar.gz":
            return candidate
    return None


def fetch(spec: str, cache: Path = DEFAULT_CACHE) -> Path:
    """The unpacked sdist of `name==version`, downloaded into `cache` if it is not there yet."""
    name, version = spec.split("==")
    cache.mkdir(parents=True, exist_ok=True)
    archive = _archive(name, version, cache)
    if archive is None:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", spec,
             "-d", str(cache)],
            check=True,
        )
        archive = _archive(name, version, cache)
        if archive is None:
            raise SystemExit(f"pip downloaded no sdist named {name}-{version}.tar.gz into {cache}")
    target = cache / archive.name[: -len(".tar.gz")]
    if not target.is_dir():
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):  # 3.12, and 3.8.17+/3.11.4+ security releases
                tar.extractall(cache, filter="data")
            else:
                tar.extractall(cache)
    return target
