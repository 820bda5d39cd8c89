import json
from pathlib import Path

from .text import tokenize


def build_shard(path, docs):
    """Merge the term counts of `docs` into one shard file (runs in a child process)."""
    merged = {}
    for doc in docs:
        for term, count in tokenize(doc["body"]).items():
            merged[term] = merged.get(term, 0) + count
    Path(path).write_text(json.dumps(merged, sort_keys=True))
    return len(merged)
