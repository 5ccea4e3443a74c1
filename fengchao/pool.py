"""Run pure per-item work (Markdown bodies, pages) on every core.

A build makes one `Pool` before it loads anything and uses it for both
parallel stages (markup/batch.py, then render/pages.py). Its workers are forked
then, while the parent holds little more than its imports, not after the site
model exists: a worker forked from a 250 MB parent copied most of it on write
while it worked (reading an inherited object writes its reference count; new
objects fill free slots of inherited arenas), and a 10,000-article build
peaked at ~460 MB over three processes. So workers are sent their work,
pickled, a chunk at a time: `Pool.map` pulls items from an iterable only as
fast as the workers keep up (at most IN_FLIGHT chunks per worker queued or
running), so a caller that pickles as it yields never has more than those
chunks' pickles alive.

Each `map` sends a *factory* (a module-level function building, say, a Jinja
environment and returning `run(items)`) with its arguments, pickled once and
attached to every chunk; a worker calls the factory when it first sees that
setup, and keeps the function it built for the following chunks.

Results come back in item order, so output never depends on scheduling.
Where there is no fork (Windows), workers are spawned when first needed.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

# Fewer items than this per worker are quicker done in the calling process
# than shipped to the workers. Tests lower it to exercise the pool on small sites.
MIN_PER_WORKER = 150
# Chunks per worker over a whole map (smaller ones balance the tail better;
# each carries the setup and a round trip), capped in size so that the chunks
# in flight (IN_FLIGHT per worker, queued or running) stay a few MB.
CHUNKS_PER_WORKER = 8
MAX_CHUNK = 256
IN_FLIGHT = 2
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"

# Per worker process only: (setup token, the function its factory built).
_worker_run: tuple[bytes, Callable[[list], list]] | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _init(parent: int) -> None:
    # Ctrl-C reaches the whole process group; the parent handles it and shuts
    # the pool down. A traceback from every worker would not help an editor.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Whatever was inherited is never garbage here; collecting it would write
    # to (and so copy) every page of it.
    gc.freeze()
    # The build turns collection off in its own process (pipeline.py); the
    # Markdown and templates run here make reference cycles to collect.
    gc.enable()
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    # A parent killed outright (SIGKILL, OOM) cannot shut its pool down, and
    # its workers would wait for work forever: leave when it is gone.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _run(token: bytes, setup: bytes, items: list) -> list:
    global _worker_run
    if _worker_run is None or _worker_run[0] != token:
        factory, args = pickle.loads(setup)
        _worker_run = (token, factory(*args))
    return _worker_run[1](items)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


class Pool:
    """Up to `jobs` worker processes for one build; a context manager that
    leaves no worker behind, however the build ends."""

    def __init__(self, jobs: int):
        self.jobs = max(1, jobs)
        self._executor: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Fork the workers now, while this process is small (no-op without
        fork: a spawned worker starts small whenever it starts)."""
        if self.jobs > 1 and START_METHOD == "fork":
            self._ensure()

    def _ensure(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context(START_METHOD)
            self._executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init, initargs=(os.getpid(),))
            # With fork, the executor starts every worker at its first submit.
            self._executor.submit(int)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def map(
        self,
        factory: Callable[..., Callable[[list], list]],
        args: tuple,
        items: Iterable,
        count: int,
        ship: Callable = lambda item: item,
        largest: int = MAX_CHUNK,
        enough: int | None = None,
    ) -> Iterator:
        """`factory(*args)(items)`, item by item, in order.

        `count` is how many items there are at most (to size the chunks, of
        at most `largest` items).
        Until `enough` items have come (by default enough for two workers,
        2 × MIN_PER_WORKER; a photo, which takes longer to process than to
        ship, passes 2), they are held here; if no more come they run in
        this process, as they all do with one job. Items sent to a worker
        are first passed through `ship` (to what is quick to send and to
        unpickle)."""
        size = min(largest, max(1, -(-count // (self.jobs * CHUNKS_PER_WORKER))))
        items = iter(items)
        if enough is None:  # read now: tests lower MIN_PER_WORKER
            enough = 2 * MIN_PER_WORKER
        first = list(itertools.islice(items, enough)) if self.jobs > 1 else []
        if len(first) < enough:
            run = factory(*args)
            for batch in _batches(itertools.chain(first, items), size):
                yield from run(batch)
            return
        executor = self._ensure()
        setup = pickle.dumps((factory, args), protocol=pickle.HIGHEST_PROTOCOL)
        token = os.urandom(16)
        pending: collections.deque = collections.deque()
        try:
            for batch in _batches(map(ship, itertools.chain(first, items)), size):
                if len(pending) >= IN_FLIGHT * self.jobs:
                    yield from pending.popleft().result()
                pending.append(executor.submit(_run, token, setup, batch))
            while pending:
                yield from pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def pool_for(jobs: int | Pool) -> contextlib.AbstractContextManager[Pool]:
    """`with pool_for(jobs) as pool:` the build's pool, left open for its
    owner to close; or, for a caller with only a count (the preview, `check`),
    a pool of its own, closed at the end of the block."""
    return contextlib.nullcontext(jobs) if isinstance(jobs, Pool) else Pool(jobs)
