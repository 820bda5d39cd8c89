"""Keeping the cyclic garbage collector off the objects an analysis keeps to its end.

A run builds a few million objects (facts, the linked index, findings) that live until it ends,
and makes almost no cyclic garbage. Left alone, the collector traverses all of them again at every
full collection that the allocations of a later stage trigger: reading Django's tests spent about
40% of its time there, and importing libcst after a one-job check of sqlalchemy's tests took 2 s
instead of 0.25 s. Objects kept out of collections are still freed by reference counting.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """No collection while the block builds objects that all live on (reading facts); what it
    built is then frozen (`gc.freeze`), until the end of the next `frozen` block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def frozen():
    """Collections inside the block traverse only the objects made inside it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
