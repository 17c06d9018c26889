"""The ingestion writers (recruta/ingest/writer.py): order, errors and timings, without a store."""

import threading

import numpy as np
import pytest

from recruta.ingest.documents import Document
from recruta.ingest.writer import BackgroundWriter, InlineWriter, writer_for


def _batch(n: int) -> tuple[list[Document], np.ndarray]:
    return [Document(id=f"d{n}", text=f"texto {n}", metadata={})], np.full((1, 4), n, dtype=np.float32)


def test_background_writer_writes_every_batch_in_order_in_another_thread():
    written, threads = [], set()

    def write(docs, vectors):
        written.append((docs[0].id, float(vectors[0, 0])))
        threads.add(threading.current_thread().name)

    with BackgroundWriter(write) as writer:
        for n in range(20):
            writer.submit(*_batch(n))
    assert written == [(f"d{n}", float(n)) for n in range(20)]
    assert threads == {"recruta-ingest-writer"}
    assert writer.busy_seconds > 0 and writer.wait_seconds >= 0


def test_the_queue_is_bounded():
    """The main thread cannot run more than the queue's depth ahead of a slow writer."""
    release, started = threading.Event(), threading.Event()

    def write(docs, vectors):
        started.set()
        release.wait()

    writer = BackgroundWriter(write, depth=1)
    writer.submit(*_batch(0))  # taken by the writer, which blocks
    started.wait()
    writer.submit(*_batch(1))  # waits in the queue
    third = threading.Thread(target=writer.submit, args=_batch(2))
    third.start()
    third.join(timeout=0.3)
    assert third.is_alive()  # blocked: the queue is full
    release.set()
    third.join()
    writer.close()


def test_a_writer_error_surfaces_in_the_main_thread_and_nothing_after_it_is_written():
    written = []
    failed = threading.Event()

    def write(docs, vectors):
        if docs[0].id == "d2":
            failed.set()
            raise OSError("disk full")
        written.append(docs[0].id)

    writer = BackgroundWriter(write)
    with pytest.raises(OSError, match="disk full"), writer:
        for n in range(10):
            if n == 4:
                failed.wait()
            writer.submit(*_batch(n))
    assert written == ["d0", "d1"]
    with pytest.raises(OSError):
        writer.close()  # the error stays: closing again says so


def test_an_error_in_the_main_thread_lets_queued_batches_be_written_then_propagates():
    written = []
    writer = BackgroundWriter(lambda docs, vectors: written.append(docs[0].id))
    with pytest.raises(KeyboardInterrupt), writer:
        writer.submit(*_batch(0))
        writer.submit(*_batch(1))
        raise KeyboardInterrupt
    assert written == ["d0", "d1"]


def test_inline_writer_writes_at_once_and_counts_its_time_as_busy():
    written = []
    writer = writer_for(lambda docs, vectors: written.append(docs[0].id), overlap=False)
    assert isinstance(writer, InlineWriter)
    with writer:
        writer.submit(*_batch(0))
        assert written == ["d0"]
    assert writer.busy_seconds > 0 and writer.wait_seconds == 0
    with writer_for(lambda docs, vectors: None, overlap=True) as background:
        assert isinstance(background, BackgroundWriter)
