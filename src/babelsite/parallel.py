"""Run a function over a sequence in forked worker processes, with results in the sequence's order."""

from __future__ import annotations

import copyreg
import gc
import itertools
import multiprocessing
import os
import pickle
import signal
import threading
from collections import deque
from contextlib import AbstractContextManager, nullcontext
from types import MappingProxyType
from typing import Any, Callable, Iterator, Sequence, TypeVar

# The pipeline's frozen data holds read-only mappings; results coming back from workers
# (and the build cache) pickle them as the mappings they wrap.
def read_only(mapping: dict) -> MappingProxyType:
    """Wrap a mapping read-only again when it is unpickled."""
    return MappingProxyType(mapping)


copyreg.pickle(MappingProxyType, lambda proxy: (read_only, (dict(proxy),)))

Item = TypeVar("Item")
Result = TypeVar("Result")

# What the workers run, set before they are forked: the function and items reach them by
# inheritance, never by pickling, so they may hold anything (a Jinja environment, the site).
_work: tuple[Callable, Sequence] | None = None


def default_jobs() -> int:
    """Return how many processes a build uses by default: one per core it may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_in_processes(function: Callable[[Item], Result], items: Sequence[Item], jobs: int,
                     chunk_size: int = 64, lock: AbstractContextManager = nullcontext(),
                     meanwhile: Callable[[], None] | None = None) -> Iterator[Result]:
    """Yield function(item) for every item, in order, computed by `jobs` forked processes.

    Runs in this process when one job is asked for, the work is too small to share, or the
    platform cannot fork. An exception in a worker is raised here, as from map().

    `lock` is for a caller whose other threads run `function`'s code holding it: it is held
    around each call made in this process, and while the workers fork (only the forking thread
    lives on in a child, which would find the locks another thread held then held forever).

    `meanwhile` runs in this process while the workers work, before the first result is
    yielded (after the last, when there are no workers). Every span is handed out at once
    then, since no result is taken meanwhile: the results must be small. When it fails, a
    worker's exception is raised first, as it comes earlier in order.
    """
    if jobs <= 1 or len(items) < 2 * chunk_size or "fork" not in multiprocessing.get_all_start_methods():
        for item in items:
            with lock:
                result = function(item)
            yield result
        if meanwhile is not None:
            meanwhile()
        return
    global _work
    _work = (function, items)
    # What the workers inherit is never garbage: frozen, their collector leaves it alone instead of
    # walking it, which costs CPU and copies every page of it that the fork shared.
    gc.freeze()
    try:
        spans = ((start, min(start + chunk_size, len(items))) for start in range(0, len(items), chunk_size))
        with lock:
            pool = multiprocessing.get_context("fork").Pool(jobs)  # forks every worker now
        with pool:
            # A few spans in flight per worker, not all of them (but with `meanwhile`): when the caller
            # is slower than the workers (writing pages to a slow disk), finished results would pile up.
            ahead = 2 * jobs if meanwhile is None else len(items)
            pending = deque(pool.apply_async(run_span, (span,)) for span in itertools.islice(spans, ahead))
            if meanwhile is not None:
                try:
                    meanwhile()
                except Exception:
                    for results in pending:
                        results.get()
                    raise
            while pending:
                results = pending.popleft().get()
                span = next(spans, None)
                if span is not None:
                    pending.append(pool.apply_async(run_span, (span,)))
                yield from results
    finally:
        _work = None
        gc.unfreeze()


def run_span(span: tuple[int, int]) -> list:
    """In a worker: apply the inherited function to items[start:stop]."""
    function, items = _work
    return [function(items[index]) for index in range(*span)]


class Aside:
    """Calls run one after another in a forked process while this one goes on; their small results read when needed.

    Where the platform cannot fork, while other threads run (one of them may hold a lock the
    child would wait for forever), or when the child fails, dies or sends what cannot be read,
    a call runs in this process when its result is asked for: the result is the same either way.
    Use it as a context manager: leaving it ends the child if it still runs.
    """

    def __init__(self, *calls: Callable[[], Any]):
        self.calls, self.results = calls, []
        self.pid, self.pipe = None, None
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: this process does it
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:
            os.close(read_end)
            run_aside(calls, write_end)
        os.close(write_end)
        self.pid, self.pipe = pid, os.fdopen(read_end, "rb")

    def result(self, index: int) -> Any:
        """Return the result of the call at `index`, from the child when it sent it, else computed here."""
        while len(self.results) <= index:
            call = self.calls[len(self.results)]
            try:
                received = pickle.load(self.pipe) if self.pipe is not None else None
            except Exception:  # noqa: BLE001 - the child failed or died before it sent this result
                received = None
                self.stop()
            self.results.append(received[0] if received is not None else call())
        return self.results[index]

    def stop(self) -> None:
        """End the child if it still runs, and reap it."""
        if self.pipe is not None:
            self.pipe.close()
            self.pipe = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)  # our own child, not yet reaped: its id is not anyone else's
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> Aside:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def run_aside(calls: Sequence[Callable[[], Any]], pipe: int) -> None:
    """In the forked child: send each call's result, wrapped in a tuple, down the pipe, then end without cleaning up."""
    status = 1
    try:
        gc.disable()  # what it walks was the parent's: collecting would copy its pages for nothing
        with os.fdopen(pipe, "wb") as sent:
            for call in calls:
                pickle.dump((call(),), sent, protocol=pickle.HIGHEST_PROTOCOL)
                sent.flush()
        status = 0
    finally:
        os._exit(status)  # never the parent's exit handlers, nor its buffered output flushed twice
