"""Run pure per-item work (Markdown bodies, pages) on every core.

A pool of worker processes, each set up once by a *factory* (a module-level
function building, say, a Jinja environment and returning `run(start, end)`),
then handed ranges of item indices. On Linux the pool forks after the items
exist, so workers inherit them instead of receiving pickles; elsewhere the
factory's arguments are pickled once per worker. Results come back in item
order, so output never depends on scheduling.
"""
from __future__ import annotations

import gc
import math
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

# Below this many items per worker a pool's start-up (fork, Jinja compile)
# costs more than it saves. Tests lower it to exercise the pool on small sites.
MIN_PER_WORKER = 150
CHUNKS_PER_WORKER = 4

# Per worker process only: the function its factory built (set by the pool
# initializer, never in the parent).
_worker_run: Callable[[int, int], list] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init(factory: Callable, args: tuple) -> None:
    global _worker_run
    _worker_run = factory(*args)


def _run(start: int, end: int) -> list:
    assert _worker_run is not None
    return _worker_run(start, end)


def map_ranges(factory: Callable[..., Callable[[int, int], list]], args: tuple, count: int, jobs: int) -> list:
    """`factory(*args)(0, count)`, split over up to `jobs` processes."""
    workers = max(1, min(jobs, count // MIN_PER_WORKER))
    if workers <= 1:
        return factory(*args)(0, count) if count else []
    chunk = math.ceil(count / (workers * CHUNKS_PER_WORKER))
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list = []
    # Objects that exist now are never collected by a worker's garbage
    # collector, which would otherwise write to (and so copy) every page of
    # memory it inherited.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(factory, args)) as pool:
            futures = [pool.submit(_run, start, min(start + chunk, count)) for start in range(0, count, chunk)]
            for future in futures:
                results += future.result()
    finally:
        gc.unfreeze()
    return results
