"""recruta/core/compute.py: every torch computation of a process runs on one thread."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from recruta.core import compute


def test_calls_from_many_threads_run_on_one_thread():
    with ThreadPoolExecutor(4) as pool:
        threads = set(pool.map(lambda _: compute.run(threading.current_thread), range(12)))
    assert len(threads) == 1 and next(iter(threads)) is not threading.current_thread()


def test_nested_calls_do_not_deadlock_and_errors_propagate():
    @compute.compute
    def inner(x: int) -> int:
        if x < 0:
            raise ValueError("negative")
        return x + 1

    @compute.compute
    def outer(x: int) -> tuple[int, bool]:
        return inner(x), compute.on_compute_thread()

    assert outer(1) == (2, True)
    with pytest.raises(ValueError, match="negative"):
        outer(-1)
    assert not compute.on_compute_thread()


def test_the_models_compute_on_that_thread(monkeypatch):
    """The torch embedder and the transformers generator are wrapped (loading included)."""
    from recruta.ingest.embeddings import SentenceTransformerEmbedder
    from recruta.rag.generators import TransformersGenerator

    for fn in (
        SentenceTransformerEmbedder.__init__,
        SentenceTransformerEmbedder.embed,
        TransformersGenerator.__init__,
        TransformersGenerator.generate,
    ):
        assert fn.__wrapped__ is not fn  # functools.wraps of compute.compute
        assert fn.__code__ is compute.compute(lambda: None).__code__


def test_openvino_threads_unpin_a_process_that_shares_the_cores(monkeypatch):
    monkeypatch.setattr(compute.os, "cpu_count", lambda: 4)
    assert compute.openvino_threads(None) == {}
    assert compute.openvino_threads(1) == {"INFERENCE_NUM_THREADS": 1, "ENABLE_CPU_PINNING": False}
    assert compute.openvino_threads(4) == {"INFERENCE_NUM_THREADS": 4}


def test_one_blas_thread_leaves_numpy_one_thread_and_torch_its_own():
    from threadpoolctl import threadpool_info, threadpool_limits

    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    with threadpool_limits(limits=None):  # restores the process's limits after the test
        compute.one_blas_thread()
        blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)
        assert torch.get_num_threads() == before
