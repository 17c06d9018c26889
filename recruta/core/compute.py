"""One thread per process runs every torch computation.

PyTorch's CPU build parallelises with OpenMP (libgomp), which gives each *calling* thread its own team of worker
threads. As soon as two threads have called torch, the process holds more OpenMP threads than cores, and libgomp
then stops spinning between parallel regions (it throttles to ~100 spins and sleeps): every small op of a decode
step pays a futex wake-up. Measured here (2 cores): a 1×576 · 576×1536 bf16 matmul takes 0.08 ms from the only
calling thread and 0.19 ms from any thread once a second one has called torch; SmolLM2 answered in 3.5 s from the
main thread and 7.6 s from a server's request threads. A server calls from many threads (BentoML runs sync
endpoints in a pool), so the models' work goes through this one thread instead: loading (conversion ops are torch
too), embedding, generating. Calls already serialised by a lock lose nothing.

The other runtimes' threads are set here too, so they share the cores with torch's: OpenVINO's pinning
(:func:`openvino_threads`) and numpy's BLAS (:func:`one_blas_thread`).
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recruta-compute")
_compute_thread: threading.Thread | None = None


def _mark() -> threading.Thread:
    global _compute_thread
    _compute_thread = threading.current_thread()
    return _compute_thread


_executor.submit(_mark).result()


def on_compute_thread() -> bool:
    return threading.current_thread() is _compute_thread


def run(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """``fn(*args, **kwargs)`` on the compute thread (directly when already there); exceptions propagate."""
    if on_compute_thread():
        return fn(*args, **kwargs)
    return _executor.submit(fn, *args, **kwargs).result()


def compute(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the function always runs on the compute thread."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        return run(fn, *args, **kwargs)

    return wrapper


def executor() -> ThreadPoolExecutor:
    """The compute thread's executor, for work whose caller must not wait (a generation being streamed)."""
    return _executor


def openvino_threads(threads: int | None) -> dict[str, Any]:
    """OpenVINO's CPU settings for a model run on ``threads`` inference threads (None: its default, one per core).

    OpenVINO pins its inference threads to cores, numbering them from the first core in every process: two
    processes of one thread each (Ray's embedding actors, a server's workers) then share core 0 while the other
    idles. Measured here (2 cores, MiniLM bf16, 600 texts in each of two concurrent one-thread processes): 28.1 s
    wall for 14.2 CPU-s pinned, 13.7 s for 13.7 CPU-s unpinned. A process given every core keeps the pinning (3-5%
    faster alone: 7.4 s against 7.7 s)."""
    if not threads:
        return {}
    config: dict[str, Any] = {"INFERENCE_NUM_THREADS": threads}
    if threads < (os.cpu_count() or 1):
        config["ENABLE_CPU_PINNING"] = False
    return config


def one_blas_thread() -> None:
    """numpy's BLAS (OpenBLAS) on one thread for the rest of the process, so it leaves the cores to torch's.

    The two runtimes keep their own thread pools, and OpenBLAS's threads spin for a while after each product: a
    torch product right after a numpy one (a filtered search's float16 first pass after the exact re-rank, or the
    next query after a numpy-ranked one) finds the other core taken. Measured here (2 cores, 500k chunks, a type
    filter's search alternating with the exact float32 one): 21 ms p50 / 29 ms p95 with two OpenBLAS threads, 11 /
    18 ms with one. The products numpy still does in a served process are small (a few hundred rows re-ranked, a
    narrow filter's rows); the large ones run on torch's threads."""
    import numpy  # noqa: F401  (loads OpenBLAS first: threadpoolctl limits the libraries already loaded)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
