"""Keeping CPython's memory management out of the way: the cyclic garbage collector off the
objects an analysis keeps to its end, deep recursion off the frame allocator (`deep_stack`), and
freeing off a process that is about to end (`keep`).

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


_FROZEN_DEPTH = 0  # `frozen` blocks entered and not left


@contextmanager
def frozen():
    """Collections inside the block traverse only the objects made inside it. Blocks nest: only
    leaving the outermost one unfreezes (`gc.unfreeze` would thaw what the outer one froze too)."""
    global _FROZEN_DEPTH
    gc.freeze()
    _FROZEN_DEPTH += 1
    try:
        yield
    finally:
        _FROZEN_DEPTH -= 1
        if not _FROZEN_DEPTH:
            gc.unfreeze()


def deep_stack(function, *args):
    """`function(*args)`, with room for deep recursion.

    CPython (3.11+) keeps Python frames in 16 KiB chunks that it maps when a call does not fit in
    the current one and unmaps when that call returns. The walker's recursion goes up and down
    across those boundaries all the time: one job checking a fifth of Django's tests made 140,405
    mmap/munmap pairs and 145,606 page faults, and spent 1.5 s in the kernel. This frame declares
    just over 1 MiB of stack (never used, so never touched): it gets a 2 MiB chunk of its own, and
    every call made under it fits in the rest: 2,704 page faults, and 0.23 s of system time for
    the whole run instead of 1.55 s. On other interpreters it is an ordinary call."""
    return function(*args)


deep_stack.__code__ = deep_stack.__code__.replace(co_stacksize=(1 << 20) // 8 + 64)


_KEPT: list | None = None  # what the process ends holding, once `keep_until_exit` was called


def keep_until_exit() -> None:
    """The process ends with `os._exit` (the console script): from now on, `keep` holds what it
    is given until then."""
    global _KEPT
    if _KEPT is None:
        _KEPT = []


def keep(obj) -> None:
    """Do not free `obj` when its last user lets go of it, if the process will end without
    freeing anything: freeing an analysis is one decref per object. With two jobs, `check` spent
    0.21-0.26 s freeing a fifth of sqlalchemy's tests' analysis as it returned, after the report
    was written (Django's fifth: 0.11 s); with one job, the walk's cycles held it to the end
    already. Elsewhere (tests, click's runner) it is freed as usual."""
    if _KEPT is not None:
        _KEPT.append(obj)
