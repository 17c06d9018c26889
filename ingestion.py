"""Step 1 of the pipeline: Decision JSON files → redacted documents → embeddings → Chroma.

    python ingestion.py --data-dir data            # the project's sample
    python ingestion.py --data-dir /path/to/yours  # your own vagas/prospects/applicants.json

Idempotent: documents are upserted by stable id and skipped when their content hash is
unchanged, so re-running embeds nothing new and a killed run resumes where it stopped.
Each run also rebuilds the records table (``recruta/answer/table.py``) beside the index: the
same records flattened into tables, for the planner's exact answers (counts, rankings, hires).
"""

from __future__ import annotations

import argparse
import fcntl
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from tqdm.auto import tqdm

from recruta.answer.table import build_table, table_path
from recruta.core.errors import RecrutaError
from recruta.core.settings import Settings, get_settings, quiet_telemetry
from recruta.ingest.backend_choice import backend_note, index_backend
from recruta.ingest.documents import Document, DocumentTally, build_documents, estimate_documents
from recruta.ingest.embeddings import BACKENDS, Embedder, embedder_for
from recruta.ingest.loaders import DataFileError, Skipped, load_dataset
from recruta.ingest.store import Store, collection_name, make_client
from recruta.ingest.writer import writer_for

log = logging.getLogger("recruta.ingestion")


@dataclass(kw_only=True)
class IngestReport:
    collection: str
    read: dict[str, int] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    documents: int = 0
    embedded: int = 0
    unchanged: int = 0
    pruned: int = 0
    pii_redacted: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # load, documents, lookup, embed, write
    # Writes in a writer thread beside the embedding (recruta/ingest/writer.py): ``write`` is then that thread's busy
    # time, which overlaps the other stages, and ``write_wait_seconds`` the main thread's time blocked on it.
    overlap: bool = False
    write_wait_seconds: float = 0.0
    table: str = ""  # the records table written (recruta/answer/table.py)
    table_seconds: float = 0.0
    embedder_backend: str = ""  # the backend that embedded, and how it was picked (recruta/ingest/backend_choice.py)

    def summary(self) -> str:
        lines = [
            f"collection: {self.collection}",
            *([f"embedder backend: {self.embedder_backend}"] if self.embedder_backend else []),
            "read: " + ", ".join(f"{k}={v}" for k, v in self.read.items()),
            f"missing files: {', '.join(self.missing_files) or 'none'}",
            f"skipped records: {len(self.skipped)}",
            *(f"  - {s}" for s in self.skipped[:50]),
            *([f"  … and {len(self.skipped) - 50} more"] if len(self.skipped) > 50 else []),
            f"documents: {self.documents}  embedded: {self.embedded}  unchanged: {self.unchanged}  pruned: {self.pruned}",
            "PII redacted in free text: "
            + (", ".join(f"{k}={v}" for k, v in sorted(self.pii_redacted.items())) or "none"),
            f"records table: {self.table or 'none'} ({self.table_seconds:.1f}s)",
            f"time: {self.seconds:.1f}s (" + ", ".join(f"{k} {v:.1f}s" for k, v in self.stage_seconds.items()) + ")",
            *(
                [
                    f"writes overlapped: {self.stage_seconds.get('write', 0.0):.1f}s in the writer thread, beside the "
                    f"other stages; the main thread waited {self.write_wait_seconds:.1f}s for it"
                ]
                if self.overlap
                else []
            ),
        ]
        return "\n".join(lines)


def _batches(docs: Iterator[Document], size: int) -> Iterator[list[Document]]:
    while batch := list(islice(docs, size)):
        yield batch


@contextmanager
def writer_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time on the embedded store (Chroma's PersistentClient is not process-safe)."""
    if settings.chroma_host:
        yield
        return
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".ingest.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another ingestion is writing to {settings.chroma_path}; wait for it to finish"
            ) from None
        yield


WRITE_BATCH = 1024  # documents per store write: 9% faster writes than 256 (bench/ingest)


def open_index(settings: Settings, embedder: Embedder, *, create: bool = True) -> Store:
    name = collection_name(settings.collection, embedder.name, settings.chunk_size)
    return Store(make_client(settings), name, create=create, first_pass=settings.filter_first_pass)


def ingest(
    *,
    data_dir: Path,
    settings: Settings,
    embedder: Embedder | None = None,
    store: Store | None = None,
    batch_size: int = WRITE_BATCH,
    prune: bool = False,
    progress: bool = True,
    overlap: bool | None = None,
) -> IngestReport:
    """Index the Decision files of ``data_dir``. ``overlap`` (default: ``settings.ingest_overlap``) writes batch n
    in a writer thread while batch n+1 is embedded (recruta/ingest/writer.py); the index ends the same."""
    started = time.perf_counter()
    overlap = settings.ingest_overlap if overlap is None else overlap
    note = ""
    if embedder is None:
        backend = index_backend(settings)  # "auto" → this machine's choice, or the backend the index was built with
        note = backend_note(settings, backend)
        log.info("embedder %s, backend %s", settings.embedder, note)
        embedder = embedder_for(settings.model_copy(update={"embedder_backend": backend}))
    stages = dict.fromkeys(("load", "documents", "lookup", "embed", "write"), 0.0)
    loading = time.perf_counter()
    ds = load_dataset(data_dir, hired_statuses=settings.hired_statuses)
    stages["load"] = time.perf_counter() - loading
    with writer_lock(settings):
        store = store or open_index(settings, embedder)
        report = IngestReport(
            collection=store.name,
            embedder_backend=note,
            missing_files=ds.missing_files,
            skipped=list(ds.skipped),
            read={"vagas": len(ds.vagas), "applicants": len(ds.applicants), "prospects": len(ds.applications)},
        )
        seen: set[str] = set()
        docs = build_documents(
            ds, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap, pii=report.pii_redacted
        )
        # The bar's total, so it shows a percentage and the time left: the documents these records make, estimated
        # from a sample of them (exact on small data) and made exact type by type as they are built.
        estimating = time.perf_counter()
        tally = DocumentTally(
            expected=estimate_documents(ds, chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
            if progress
            else {}
        )
        stages["documents"] += time.perf_counter() - estimating
        bar = tqdm(desc="ingest", unit="doc", total=tally.total if progress else None, disable=not progress)
        with writer_for(store.upsert, overlap=overlap) as writer:
            previous = time.perf_counter()
            for batch in _batches(docs, batch_size):  # documents are built lazily, while the batch is drawn
                t0 = time.perf_counter()
                stages["documents"] += t0 - previous
                seen.update(d.id for d in batch)
                known = store.hashes([d.id for d in batch])
                todo = [d for d in batch if known.get(d.id) != d.content_hash]
                t1 = time.perf_counter()
                stages["lookup"] += t1 - t0
                if todo:
                    vectors = embedder.embed([d.text for d in todo], batch_size=settings.embed_batch_size)
                    stages["embed"] += time.perf_counter() - t1
                    writer.submit(todo, vectors)  # inline: written now; overlapped: queued for the writer thread
                report.documents += len(batch)
                report.embedded += len(todo)
                report.unchanged += len(batch) - len(todo)
                bar.total = tally.add(batch)
                bar.update(len(batch))
                bar.set_postfix(embedded=report.embedded, unchanged=report.unchanged)
                previous = time.perf_counter()
        bar.total = bar.n  # exact already, unless the last type's estimate was high (no applications)
        bar.close()
        stages["write"] = writer.busy_seconds
        report.overlap, report.write_wait_seconds = overlap, round(writer.wait_seconds, 3)
        if prune:
            stale = [i for i in store.all_ids() if i not in seen]
            store.delete(stale)
            report.pruned = len(stale)
        tabling = time.perf_counter()
        report.table = str(build_table(ds, table_path(store, settings=settings)))  # redactions counted by the docs
        report.table_seconds = round(time.perf_counter() - tabling, 3)
    report.seconds = time.perf_counter() - started
    report.stage_seconds = {k: round(v, 3) for k, v in stages.items()}
    log.info(
        "ingested %s: %d docs, %d embedded, %d unchanged, %d skipped",
        report.collection,
        report.documents,
        report.embedded,
        report.unchanged,
        len(report.skipped),
    )
    return report


def main(argv: list[str] | None = None) -> int:
    quiet_telemetry()
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=settings.data_dir,
        help="folder with vagas.json, prospects.json, applicants.json (default: %(default)s)",
    )
    parser.add_argument(
        "--embedder", default=settings.embedder, help="minilm (default), hash, or a sentence-transformers id/folder"
    )
    parser.add_argument(
        "--embedder-backend",
        choices=BACKENDS,
        default=settings.embedder_backend,
        help="how the embedder runs: torch, openvino (fp32), openvino-bf16, openvino-int8, or auto (the fastest that keeps retrieval quality on this machine, calibrated once; default: %(default)s)",
    )
    parser.add_argument("--chunk-size", type=int, default=settings.chunk_size)
    parser.add_argument(
        "--batch-size", type=int, default=WRITE_BATCH, help="documents per store write (default: %(default)s)"
    )
    parser.add_argument(
        "--overlap",
        action=argparse.BooleanOptionalAction,
        default=settings.ingest_overlap,
        help="write each batch in a writer thread while the next one is embedded; --no-overlap writes in turn "
        "(default: RECRUTA_INGEST_OVERLAP, %(default)s)",
    )
    parser.add_argument("--prune", action="store_true", help="delete indexed documents no longer in the data")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="run on the Ray cluster at ADDRESS (HOST:PORT of its head; none: a local Ray), writing "
        "to the Chroma server RECRUTA_CHROMA_HOST:RECRUTA_CHROMA_PORT (recruta/ingest/distributed.py)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = settings.model_copy(
        update={"embedder": args.embedder, "embedder_backend": args.embedder_backend, "chunk_size": args.chunk_size}
    )
    if not args.data_dir.is_dir():
        print(f"error: data directory {args.data_dir} does not exist", file=sys.stderr)
        return 2
    try:
        if args.ray is not None:
            from recruta.ingest.distributed import ingest_on_ray

            result = ingest_on_ray(
                data_dir=args.data_dir,
                settings=settings,
                address=args.ray or None,
                write_batch=args.batch_size,
                prune=args.prune,
                progress=not args.quiet,
            )
            report = result.report
            print(result.summary())
        else:
            report = ingest(
                data_dir=args.data_dir,
                settings=settings,
                batch_size=args.batch_size,
                prune=args.prune,
                progress=not args.quiet,
                overlap=args.overlap,
            )
            print(report.summary())
    except (DataFileError, RecrutaError, RuntimeError) as exc:
        print(f"error: {exc}\nNothing already indexed was removed.", file=sys.stderr)
        return 1
    if not any(report.read.values()):
        print(f"error: no Decision files found in {args.data_dir}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
