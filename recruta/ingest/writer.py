"""Store writes of ingestion: inline, or in a writer thread beside the embedding of the next batch (issue #17).

``ingestion.ingest`` hands each embedded batch to a writer. ``InlineWriter`` writes it at once (the sequential
path). ``BackgroundWriter`` queues it (a bounded queue: at most ``depth`` batches wait, so memory stays flat and
the main thread never runs far ahead) for one writer thread, which writes batch n while the main thread builds,
looks up and embeds batch n+1. The model's inference and SQLite release the GIL for their work, so they run side
by side; Chroma's own upsert (its Rust core) holds the GIL while it runs (bench/ingest.py measures what that
leaves of the overlap).

Nothing is lost on error: a failed write stops the writer (later batches are not written), and the next call of
``submit`` or ``close`` raises that error in the main thread, so the run stops. An error in the main thread lets
the batches already queued be written first (they are embedded; each write is the store's usual text-then-vector
pair), then propagates. Every written batch is content-hash idempotent: a re-run skips it and completes the rest.

Both writers report ``busy_seconds`` (time spent writing) and ``wait_seconds`` (time the main thread was blocked
on the writer: zero inline, where the writing itself is the main thread's time).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol

import numpy as np

from recruta.ingest.documents import Document

__all__ = ["BackgroundWriter", "InlineWriter", "Writer", "writer_for"]

log = logging.getLogger(__name__)

Write = Callable[[Sequence[Document], np.ndarray], None]


class Writer(Protocol):
    busy_seconds: float
    wait_seconds: float

    def submit(self, docs: Sequence[Document], vectors: np.ndarray) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Writer: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class InlineWriter:
    """Writes each batch in the caller's thread, when it is submitted."""

    def __init__(self, write: Write) -> None:
        self._write = write
        self.busy_seconds = self.wait_seconds = 0.0

    def submit(self, docs: Sequence[Document], vectors: np.ndarray) -> None:
        started = time.perf_counter()
        try:
            self._write(docs, vectors)
        finally:
            self.busy_seconds += time.perf_counter() - started

    def close(self) -> None:
        return None

    def __enter__(self) -> InlineWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        return None


_DONE = None  # the queue's end marker


class BackgroundWriter:
    """Writes batches in one thread, in the order submitted; see the module's docstring for errors."""

    def __init__(self, write: Write, *, depth: int = 1) -> None:
        self._write = write
        self._queue: queue.Queue[tuple[Sequence[Document], np.ndarray] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._closed = False
        self.busy_seconds = self.wait_seconds = 0.0
        # A daemon: a second Ctrl-C while the queued batches are written still ends the process (a write cut in
        # half is repaired by the next run, as in the sequential path).
        self._thread = threading.Thread(target=self._run, name="recruta-ingest-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (job := self._queue.get()) is not _DONE:
            if self._error is not None:
                continue  # after a failure: drain without writing, so the main thread never blocks on a full queue
            started = time.perf_counter()
            try:
                self._write(*job)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread, whatever it is
                self._error = exc
            finally:
                self.busy_seconds += time.perf_counter() - started

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, docs: Sequence[Document], vectors: np.ndarray) -> None:
        """Queue a batch (blocks while ``depth`` batches wait); raises the writer's error, if it had one."""
        self._raise()
        if self._closed:
            raise RuntimeError("writer already closed")
        started = time.perf_counter()
        self._queue.put((docs, vectors))
        self.wait_seconds += time.perf_counter() - started

    def close(self) -> None:
        """Wait until every queued batch is written; raises the writer's error, if it had one."""
        if not self._closed:
            self._closed = True
            started = time.perf_counter()
            self._queue.put(_DONE)
            self._thread.join()
            self.wait_seconds += time.perf_counter() - started
        self._raise()

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        try:  # the main thread failed: write what is queued, then let its error propagate
            self.close()
        except BaseException as also:  # noqa: BLE001 - the main thread's error is the one to report
            if also is not exc:
                log.error("the writer failed too: %r", also)


def writer_for(write: Write, *, overlap: bool) -> Writer:
    """A ``BackgroundWriter`` when ``overlap``, else an ``InlineWriter``."""
    return BackgroundWriter(write) if overlap else InlineWriter(write)
