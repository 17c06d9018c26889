"""Ingestion on a Ray cluster: the single-process pipeline's own steps, spread over the cluster's cores.

    python ingestion.py --data-dir DIR --ray               # a local Ray on this machine
    python ingestion.py --data-dir DIR --ray HOST:PORT     # an existing cluster (`ray start --head ...`)

Writes go to a Chroma server (``RECRUTA_CHROMA_HOST``/``RECRUTA_CHROMA_PORT``): the embedded store is one file
tree that only one process may write. The stages, and which Ray engine runs each:

1. **read** — one Ray task per Decision file, pinned to the driver's node (where ``--data-dir`` is), parses it
   and yields shards of raw records (a streaming generator: the shards are owned by the driver and rebuilt from
   lineage if a node holding them dies).
2. **validate, redact, chunk, look up** — Ray tasks per shard (spread over the nodes), in two waves because two
   things are global: candidate documents need the hired codes (from the prospects) and prospect documents need
   the vagas' titles. Wave A: vaga shards → vaga documents; prospect shards → validated entries and hired codes.
   Wave B: applicant shards → candidate documents; prospect shards → prospect documents. Each task then asks the
   run's look-up actor (:class:`_Lookup`: one Chroma client for the whole run, on the driver's node) for all its
   documents' content hashes in one call and streams on only the new or changed ones, in blocks of
   ``EMBED_BATCH`` rows (small blocks spread the embedding over every actor).
3. **embed** — Ray Data ``map_batches`` over an actor pool: each actor loads the configured embedder backend once.
   The actors join a per-run roster and are killed when the run ends, failed or not, so a long-lived driver can
   call :func:`ingest_on_ray` again at once (Ray Data leaves a failed run's actors alive while its error lives).
4. **write** — the driver upserts the embedded rows into the Chroma server in batches of ``WRITE_BATCH``, with
   the client it opened the collection with, as Ray Data streams them from the actors (the embedding goes on
   meanwhile). One Chroma server takes every write whoever sends it: one writer with one client, rather than write
   tasks that each opened a client and queued at the server (bench.ingest_ray: 7.5 task-s of writes against 2.3
   in the single process).
5. **records table** — one Ray task on the driver's node builds the planner's records table from the files
   (``recruta.answer.table.build_table``, as ``ingestion.ingest`` does, at the same ``table_path``) while the
   other stages run: it needs every record at once and is cheap next to the embedding.

Every step calls the single-process code (``loaders.validate_records`` / ``prospect_records``, the
``documents`` builders, ``Document.content_hash``, ``Store.hashes`` / ``Store.upsert``), so ids, texts and
metadata are those of ``ingestion.ingest`` by construction. Documents are upserted by id with their content hash,
so a retried task or a re-run after a crash (a worker, a node or the driver) writes nothing twice and skips what
is already there. Ray retries tasks whose worker or node died, and Ray Data restarts dead embedding actors and
retries their batches.

Stage timings (``IngestReport.stage_seconds``) are summed over the cluster's workers (task-seconds); the
report's ``seconds`` and :attr:`DistributedReport.phases` are wall-clock.

Over 500 lines as one cohesive thing: the stages above and the driver that wires them share their types
(shards, summaries) and nothing else uses them.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from recruta.answer.table import build_table, table_path
from recruta.core.errors import InvalidInput, RecrutaError, Unavailable
from recruta.core.settings import PROJECT_ROOT, Settings
from recruta.ingest.documents import Document, build_documents, candidate_documents
from recruta.ingest.embeddings import Embedder, embedder_for, embedder_name
from recruta.ingest.loaders import (
    FILES,
    Dataset,
    Skipped,
    hired_set,
    load_dataset,
    prospect_records,
    read_json_object,
    validate_records,
)
from recruta.ingest.store import Store, StoreUnavailable, collection_name, make_client

if TYPE_CHECKING:
    import pyarrow as pa

    from ingestion import IngestReport

__all__ = [
    "EMBED_BATCH",
    "SHARD_RECORDS",
    "ClusterUnavailable",
    "DistributedReport",
    "EmbedActor",
    "index_name",
    "ingest_on_ray",
    "ray_session",
    "ray_task",
    "runtime_env",
]

log = logging.getLogger("recruta.ingest.distributed")

SHARD_RECORDS = 500  # records per validate/chunk task: ~1.5 MB of raw applicants, a few seconds of work
EMBED_BATCH = 256  # texts per embedding call in an actor (the model batches them by embed_batch_size)
LOOKUP_BATCH = 8192  # ids per Chroma get of the look-up actor: a shard's documents (~2,500 chunks) in one get
LOOKUP_THREADS = 4  # shard tasks the look-up actor serves at once (its client's HTTP calls release the GIL)
# What a worker needs of the repository (the code and the package's data files, e.g. recruta/facts/data), not the
# project's data, docs or local state. Gitignore syntax: a leading "/" anchors a pattern at the repository's root.
_EXCLUDES = [
    ".git",
    ".venv",
    ".recruta",
    ".env",
    "/data",
    "/docs",
    "/notebooks",
    "/tests",
    "/bench/out",
    "mlruns",
    "mlartifacts",
    "**/__pycache__",
    "*.ipynb",
]
_ENV_PREFIXES = (
    "HF_",
    "TRANSFORMERS_",
    "MLFLOW_",
    "BENTOML_",
    "ANONYMIZED_TELEMETRY",
    "TOKENIZERS_PARALLELISM",
    "DO_NOT_TRACK",
    "OMP_",
    "RECRUTA_RAY_",
)


class ClusterUnavailable(Unavailable):
    """The Ray cluster cannot be reached (no head at the address, or it went away)."""


# --------------------------------------------------------------------------- connecting
def runtime_env() -> dict[str, Any]:
    """Ship the repository's code (not its data) to every worker, with the driver's offline/telemetry settings:
    nodes on other machines need only the Python dependencies installed."""
    env = {k: v for k, v in os.environ.items() if k.startswith(_ENV_PREFIXES)}
    return {"working_dir": str(PROJECT_ROOT), "excludes": _EXCLUDES, "env_vars": env}


def _check_reachable(address: str) -> None:
    """ray.init retries an unreachable head for about a minute and then fails obscurely: check first."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise InvalidInput(
            f"--ray: expected HOST:PORT of a Ray head (as printed by `ray start --head`), got {address!r}"
        )
    # Ray itself connects to this machine's address when given a loopback one (so does `ray start`'s head).
    hosts = [host, _node_ip()] if host in ("localhost", "127.0.0.1", "::1") else [host]
    errors = []
    for candidate in hosts:
        try:
            socket.create_connection((candidate, int(port)), timeout=5).close()
            return
        except OSError as exc:
            errors.append(f"{candidate}: {exc}")
    raise ClusterUnavailable(
        f"Ray cluster at {address} unreachable ({'; '.join(errors)}); start one with "
        "`ray start --head --port PORT` or omit the address for a local Ray"
    )


# Typed wrappers over the few calls of Ray's API that are unannotated (mypy --strict would flag every use).
def _node_ip() -> str:
    import ray.util

    return str(ray.util.get_node_ip_address())  # type: ignore[no-untyped-call]  # unannotated in Ray 2.60


def _cluster_cpus() -> float:
    import ray

    return float(ray.cluster_resources().get("CPU", 1))  # type: ignore[no-untyped-call]  # unannotated in Ray 2.60


def _alive_nodes() -> int:
    import ray

    nodes: list[dict[str, Any]] = ray.nodes()  # type: ignore[no-untyped-call]  # unannotated in Ray 2.60
    return sum(1 for n in nodes if n.get("Alive"))


def ray_task(fn: Callable[..., Any], **options: Any) -> Any:
    """``ray.remote(fn).options(**options)``. Ray's stubs type a remote function by its positional arity only
    (``RemoteFunctionNoArgs``…), so a task with keyword-only parameters cannot be typed: its handle is ``Any``."""
    import ray

    return ray.remote(fn).options(**options)


@contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None) -> Iterator[None]:
    """Connected to the cluster at ``address`` (None: a local Ray started for this run) for the block.

    When Ray is already initialised (a caller that manages its own connection) it is used as is and left open."""
    import ray

    if ray.is_initialized():
        yield
        return
    if address and address != "auto":
        _check_reachable(address)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    try:
        ray.init(
            address=address,
            runtime_env=runtime_env(),
            log_to_driver=False,
            num_cpus=num_cpus,
            include_dashboard=False if address is None else None,
            configure_logging=False,
        )
    except ConnectionError as exc:
        raise ClusterUnavailable(f"Ray cluster at {address} unreachable: {exc}") from exc
    try:
        yield
    finally:
        ray.shutdown()


def _cause(exc: BaseException) -> RecrutaError | None:
    """The project error inside a Ray error (task errors wrap the worker's exception, sometimes twice). Ray raises
    a task's error as an instance of both ``RayTaskError`` and the error's class, whose message is Ray's traceback:
    the worker's own exception is its ``cause``."""
    from ray.exceptions import RayError

    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, RecrutaError) and not isinstance(e, RayError):
            return e
        todo += [e.__context__, e.__cause__, getattr(e, "cause", None)]  # popped last first: Ray's cause first
    return None


# --------------------------------------------------------------------------- shards and their summaries
@dataclass(frozen=True, kw_only=True)
class Shard:
    kind: str  # vagas | applicants | prospects
    index: int
    items: list[tuple[str, Any]]
    read_s: float = 0.0  # the file's parse time, carried by its first shard


@dataclass(kw_only=True)
class ShardSummary:
    """What a shard task tells the driver (small): counts, skips, PII tallies, timings; never the documents."""

    kind: str
    index: int
    node: str
    read_s: float = 0.0  # the file's parse time (first shard only)
    skipped: list[Skipped] = field(default_factory=list)
    late_skipped: list[Skipped] = field(default_factory=list)  # prospects: per-application skips, reported last
    pii: Counter[str] = field(default_factory=Counter)
    valid: int = 0  # records that passed validation (prospects: applications)
    documents: int = 0
    todo: int = 0  # new or changed: passed on to be embedded
    ids: list[str] = field(default_factory=list)  # every document id (only when pruning)
    titles: dict[str, str] = field(default_factory=dict)  # vagas: id → title
    hired: set[str] = field(default_factory=set)  # prospects: codes of hired candidates
    seconds: dict[str, float] = field(default_factory=dict)  # load, documents, lookup


def _node() -> str:
    import ray

    return str(ray.get_runtime_context().get_node_id())


class _Lookup:
    """The run's content-hash look-ups (a Ray actor, no CPU, on the driver's node): the one Chroma client every
    shard task asks, once per shard for all its documents, instead of each worker process importing chromadb and
    opening a client of its own. A failure is a :class:`StoreUnavailable` naming the server; the client is opened
    again on the next call (the server may be back). Threaded (``LOOKUP_THREADS``): chromadb's HTTP client is
    httpx's, safe to share between threads."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings, self.name = settings, name
        self.store: Store | None = None

    def hashes(self, ids: list[str]) -> dict[str, str]:
        known: dict[str, str] = {}
        try:
            if self.store is None:
                self.store = Store(make_client(self.settings), self.name, create=False)
            for start in range(0, len(ids), LOOKUP_BATCH):
                known.update(self.store.hashes(ids[start : start + LOOKUP_BATCH]))
        except Exception as exc:
            self.store = None
            raise StoreUnavailable(
                f"Chroma server {self.settings.chroma_host}:{self.settings.chroma_port}: lookup failed: {exc}"
            ) from exc
        return known


@contextmanager
def _lookup_actor(settings: Settings, name: str) -> Iterator[Any]:
    """The run's :class:`_Lookup` actor for the block (restarted and its calls retried if its process dies),
    killed at its end."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
    actor = ray_task(
        _Lookup,
        num_cpus=0,
        max_concurrency=LOOKUP_THREADS,
        max_restarts=3,
        max_task_retries=3,
        scheduling_strategy=here,
    ).remote(settings, name)
    try:
        yield actor
    finally:
        try:
            ray.kill(actor, no_restart=True)
        except ray.exceptions.RayError as exc:  # the cluster went away: nothing left to kill
            log.warning("the look-up actor could not be killed: %s", exc)


def _table(docs: list[Document]) -> pa.Table:
    import pyarrow as pa

    return pa.table(
        {
            "id": [d.id for d in docs],
            "text": [d.text for d in docs],
            "meta": [json.dumps(d.metadata, ensure_ascii=False) for d in docs],
        },
        schema=pa.schema([("id", pa.string()), ("text", pa.string()), ("meta", pa.string())]),
    )


def _changed(
    docs: list[Document], summary: ShardSummary, *, lookup: Any, prune: bool, block: int
) -> Iterator[pa.Table | ShardSummary]:
    """The documents whose content hash differs from the index's (ingestion.ingest's lookup, asked of the run's
    ``lookup`` actor in one call), as tables of at most ``block`` rows (Ray Data's blocks: small ones keep every
    embedding actor busy), then the shard's summary."""
    import ray

    t0 = time.perf_counter()
    try:
        known: dict[str, str] = ray.get(lookup.hashes.remote([d.id for d in docs]))
    except Exception as exc:  # the actor's StoreUnavailable inside Ray's error, or the actor gone
        raise _cause(exc) or StoreUnavailable(f"the run's index look-ups failed: {exc}") from exc
    todo = [d for d in docs if known.get(d.id) != d.content_hash]
    summary.documents, summary.todo = len(docs), len(todo)
    summary.ids = [d.id for d in docs] if prune else []
    summary.seconds["lookup"] = time.perf_counter() - t0
    for start in range(0, len(todo), block):
        yield _table(todo[start : start + block])
    yield summary


def _read(path: str, kind: str, shard_records: int) -> Iterator[Shard]:
    """A Decision file → shards of raw records (runs as a streaming Ray task on the driver's node)."""
    t0 = time.perf_counter()
    items = list(read_json_object(Path(path)).items())
    read_s = time.perf_counter() - t0
    for n, start in enumerate(range(0, max(len(items), 1), shard_records)):
        yield Shard(kind=kind, index=n, items=items[start : start + shard_records], read_s=read_s if n == 0 else 0.0)


def _vaga_shard(
    shard: Shard, *, settings: Settings, lookup: Any, prune: bool, block: int
) -> Iterator[pa.Table | ShardSummary]:
    s = ShardSummary(kind=shard.kind, index=shard.index, node=_node(), read_s=shard.read_s)
    t0 = time.perf_counter()
    vagas = validate_records("vagas", shard.items, s.skipped)
    t1 = time.perf_counter()
    docs = list(
        build_documents(
            Dataset(vagas=vagas), chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap, pii=s.pii
        )
    )
    s.titles, s.valid = {vid: v.titulo for vid, v in vagas.items()}, len(vagas)
    s.seconds = {"load": shard.read_s + t1 - t0, "documents": time.perf_counter() - t1}
    yield from _changed(docs, s, lookup=lookup, prune=prune, block=block)


def _prospect_entries(shard: Shard, *, hired_statuses: tuple[str, ...]) -> tuple[dict[str, Any], ShardSummary]:
    """Wave A for prospects: validated entries (kept in the object store for wave B) and the hired codes."""
    s = ShardSummary(kind=shard.kind, index=shard.index, node=_node(), read_s=shard.read_s)
    t0 = time.perf_counter()
    entries = validate_records("prospects", shard.items, s.skipped)
    records = prospect_records(entries, hired=hired_set(hired_statuses), titles={}, skipped=s.late_skipped)
    s.hired, s.valid = {r.codigo for r in records if r.hired}, len(records)
    s.seconds = {"load": shard.read_s + time.perf_counter() - t0}
    return entries, s


def _prospect_shard(
    entries: dict[str, Any],
    index: int,
    titles: dict[str, str],
    *,
    settings: Settings,
    lookup: Any,
    prune: bool,
    block: int,
) -> Iterator[pa.Table | ShardSummary]:
    """Wave B for prospects: the applications with the vagas' titles, then their documents.

    A duplicate application (the same candidate twice in one vaga) is dropped by ``build_documents`` as in the
    single-process path: both have the same vaga id, and one vaga's entry never spans two shards."""
    s = ShardSummary(kind="prospects", index=index, node=_node())
    t0 = time.perf_counter()
    records = prospect_records(entries, hired=hired_set(settings.hired_statuses), titles=titles, skipped=[])
    t1 = time.perf_counter()
    docs = list(
        build_documents(
            Dataset(applications=records),
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            pii=s.pii,
        )
    )
    s.seconds = {"load": t1 - t0, "documents": time.perf_counter() - t1}
    yield from _changed(docs, s, lookup=lookup, prune=prune, block=block)


def _applicant_shard(
    shard: Shard, hired: set[str], *, settings: Settings, lookup: Any, prune: bool, block: int
) -> Iterator[pa.Table | ShardSummary]:
    s = ShardSummary(kind=shard.kind, index=shard.index, node=_node(), read_s=shard.read_s)
    t0 = time.perf_counter()
    applicants = validate_records("applicants", shard.items, s.skipped)
    s.valid = len(applicants)
    t1 = time.perf_counter()
    docs = [
        d
        for code, a in applicants.items()  # as build_documents does for each applicant
        for d in candidate_documents(
            code, a, hired=code in hired, size=settings.chunk_size, overlap=settings.chunk_overlap, pii=s.pii
        )
    ]
    s.seconds = {"load": shard.read_s + t1 - t0, "documents": time.perf_counter() - t1}
    yield from _changed(docs, s, lookup=lookup, prune=prune, block=block)


def _records_table(data_dir: str, path: str, hired_statuses: tuple[str, ...]) -> tuple[str, float]:
    """The records table of ``data_dir`` at ``path`` (on the driver's node, where both are): the single-process
    ``load_dataset`` + ``build_table``, so the same table."""
    t0 = time.perf_counter()
    built = build_table(load_dataset(Path(data_dir), hired_statuses=hired_statuses), Path(path))
    return str(built), time.perf_counter() - t0


# --------------------------------------------------------------------------- embedding and writing (Ray Data)
@contextmanager
def _killing_actors_on_exit() -> Iterator[str]:
    """The name of a new roster of embedding actors, for the block; at its end, every actor on it is killed.

    When a run fails, Ray Data releases its actors without killing them (``shutdown(force=False)``): they live on
    while anything references them, and the raised error does (its traceback's frames hold the executor), so a
    long-lived driver calling :func:`ingest_on_ray` again waited forever for their CPUs. Killing them here, whatever
    the outcome (after a success Ray Data has released them already), frees the cluster when the call returns."""
    import uuid

    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    name = f"recruta-ingest-roster-{uuid.uuid4().hex}"
    here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
    roster = ray_task(_Roster, name=name, num_cpus=0, max_restarts=0, scheduling_strategy=here).remote()
    ray.get(roster.all.remote())  # created and named before any actor looks it up
    try:
        yield name
    finally:
        try:
            actors: list[Any] = ray.get(roster.all.remote(), timeout=60)
        except ray.exceptions.RayError as exc:  # the roster's node died: nothing to kill by name
            log.warning("the embedding actors of the failed run could not be listed: %s", exc)
            actors = []
        for actor in actors:  # an actor restarted by Ray Data is listed twice: killed twice, harmlessly
            ray.kill(actor, no_restart=True)
        ray.kill(roster, no_restart=True)


class _Roster:
    """A run's list of its embedding actors (a named Ray actor, no CPU): each actor adds itself as it starts, so
    the driver can kill them all when the run fails (see :func:`_killing_actors_on_exit`)."""

    def __init__(self) -> None:
        self.actors: list[Any] = []

    def add(self, actor: Any) -> None:
        self.actors.append(actor)

    def all(self) -> list[Any]:
        return self.actors


class EmbedActor:
    """One per actor-pool slot: loads the configured embedder once, then embeds batch after batch.

    ``roster``: the name of the run's :class:`_Roster`, which it joins (restarted, it joins again)."""

    def __init__(self, settings: Settings, roster: str | None = None) -> None:
        import ray

        if roster is not None:
            try:
                ray.get_actor(roster).add.remote(ray.get_runtime_context().current_actor)
            except ValueError:  # the roster is gone (its node with it): embed all the same
                log.warning("embedding actor: roster %s not found", roster)
        self.settings = settings
        self.embedder: Embedder = embedder_for(settings)
        self.node = _node()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        t0 = time.perf_counter()
        texts = [str(t) for t in batch["text"]]
        vectors = self.embedder.embed(texts, batch_size=self.settings.embed_batch_size)
        seconds = time.perf_counter() - t0
        return {
            **batch,
            "vector": np.asarray(vectors, dtype=np.float32),
            "embed_s": np.full(len(texts), seconds / max(len(texts), 1)),
            "embed_node": np.array([self.node] * len(texts)),
        }


def _write(store: Store, batch: dict[str, np.ndarray], *, settings: Settings) -> int:
    """Upsert one batch of embedded rows into the Chroma server (``Store.upsert``: ids, texts, metadata with
    content hash), from the driver; returns the documents written."""
    docs = [
        Document(id=str(i), text=str(t), metadata=json.loads(str(m)))
        for i, t, m in zip(batch["id"], batch["text"], batch["meta"], strict=True)
    ]
    try:
        store.upsert(docs, np.asarray(batch["vector"], dtype=np.float32))
    except Exception as exc:
        raise StoreUnavailable(
            f"Chroma server {settings.chroma_host}:{settings.chroma_port}: write failed: {exc}"
        ) from exc
    return len(docs)


# --------------------------------------------------------------------------- the driver
@dataclass(kw_only=True)
class DistributedReport:
    """The single-process report, plus where the work ran."""

    report: IngestReport
    phases: dict[str, float] = field(default_factory=dict)  # wall seconds: connect, documents, embed_write, prune
    documents_by_node: dict[str, int] = field(default_factory=dict)  # documents built (and looked up) per node
    embedded_by_node: dict[str, int] = field(default_factory=dict)
    read_seconds: dict[str, float] = field(default_factory=dict)  # file → parse time on the driver's node
    actors: int = 0
    cluster_cpus: float = 0.0
    nodes: int = 0

    def summary(self) -> str:
        return "\n".join(
            [
                self.report.summary(),
                f"ray: {self.nodes} node(s), {self.cluster_cpus:g} CPUs, {self.actors} embedding actor(s); wall "
                + ", ".join(f"{k} {v:.1f}s" for k, v in self.phases.items()),
                "documents by node: " + ", ".join(f"{k[:8]}={v}" for k, v in sorted(self.documents_by_node.items())),
                "embedded by node: "
                + (", ".join(f"{k[:8]}={v}" for k, v in sorted(self.embedded_by_node.items())) or "none"),
            ]
        )


def index_name(settings: Settings) -> str:
    """The collection ``ingestion.open_index`` would use, computed without loading the model."""
    return collection_name(
        settings.collection,
        embedder_name(
            settings.embedder,
            backend=settings.embedder_backend,
            cache_root=settings.embedder_cache,
            threads=settings.torch_threads,
        ),
        settings.chunk_size,
    )


def _open_server_index(settings: Settings) -> Store:
    if not settings.chroma_host:
        raise InvalidInput(
            "--ray writes to a Chroma server: set RECRUTA_CHROMA_HOST and RECRUTA_CHROMA_PORT "
            "(start one with `chroma run --path DIR --host HOST --port PORT`)"
        )
    try:
        return Store(make_client(settings), index_name(settings), create=True)
    except StoreUnavailable as exc:
        raise StoreUnavailable(
            f"Chroma server {settings.chroma_host}:{settings.chroma_port} unreachable: {exc}"
        ) from exc


def ingest_on_ray(
    *,
    data_dir: Path,
    settings: Settings,
    address: str | None = None,
    prune: bool = False,
    progress: bool = True,
    shard_records: int = SHARD_RECORDS,
    embed_batch: int = EMBED_BATCH,
    write_batch: int | None = None,
    actors: int | None = None,
    embed_actor: type = EmbedActor,
) -> DistributedReport:
    """``ingestion.ingest`` on the Ray cluster at ``address`` (None: a local Ray), into the Chroma server.

    ``actors``: embedding actors (default: one per CPU of the cluster, each with one thread); ``embed_actor``:
    the actor class (tests inject faults with a subclass)."""
    from tqdm.auto import tqdm

    from ingestion import WRITE_BATCH, IngestReport

    started = time.perf_counter()
    write_batch = write_batch or WRITE_BATCH
    data_dir = Path(data_dir).resolve()  # Ray workers run in a copy of the code, not in this folder
    store = _open_server_index(settings)
    name = store.name
    table = table_path(store, settings=settings).resolve()
    missing = [f for f in FILES.values() if not (Path(data_dir) / f).exists()]
    report = IngestReport(collection=name, missing_files=missing)
    out = DistributedReport(report=report)
    stages = dict.fromkeys(("load", "documents", "lookup", "embed", "write"), 0.0)
    with ray_session(address):
        import ray

        out.phases["connect"] = time.perf_counter() - started
        try:
            with _lookup_actor(settings, name) as lookup:
                _run(
                    data_dir=data_dir,
                    settings=settings,
                    store=store,
                    lookup=lookup,
                    table=table,
                    prune=prune,
                    progress=progress,
                    shard_records=shard_records,
                    embed_batch=embed_batch,
                    write_batch=write_batch,
                    actors=actors,
                    embed_actor=embed_actor,
                    out=out,
                    stages=stages,
                    tqdm=tqdm,
                )
        except (ray.exceptions.RayError, ray.exceptions.RaySystemError, RuntimeError) as exc:
            cause = _cause(exc)
            if isinstance(cause, RecrutaError):
                raise cause from exc
            if isinstance(exc, ray.exceptions.RayError) and not isinstance(exc, ray.exceptions.RayTaskError):
                raise ClusterUnavailable(
                    f"the Ray cluster failed during the ingest ({exc}); what was written is kept: re-run to finish"
                ) from exc
            raise
    report.seconds = time.perf_counter() - started
    report.stage_seconds = {k: round(v, 3) for k, v in stages.items()}
    log.info(
        "ingested %s on Ray (%d nodes): %d docs, %d embedded, %d unchanged, %d skipped",
        name,
        out.nodes,
        report.documents,
        report.embedded,
        report.unchanged,
        len(report.skipped),
    )
    return out


def _add(stages: dict[str, float], seconds: dict[str, float]) -> None:
    for k, v in seconds.items():
        stages[k] += v


def _run(
    *,
    data_dir: Path,
    settings: Settings,
    store: Store,
    lookup: Any,
    table: Path,
    prune: bool,
    progress: bool,
    shard_records: int,
    embed_batch: int,
    write_batch: int,
    actors: int | None,
    embed_actor: type,
    out: DistributedReport,
    stages: dict[str, float],
    tqdm: Any,
) -> None:
    import ray
    import ray.data
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    report = out.report
    wave_start = time.perf_counter()
    here = NodeAffinitySchedulingStrategy(node_id=ray.get_runtime_context().get_node_id(), soft=False)
    spread: dict[str, Any] = {"scheduling_strategy": "SPREAD", "max_retries": 5}
    kwargs = {"settings": settings, "lookup": lookup, "prune": prune, "block": embed_batch}
    read = ray_task(_read, scheduling_strategy=here, max_retries=5)
    table_ref = ray_task(_records_table, scheduling_strategy=here, max_retries=5).remote(
        str(data_dir), str(table), settings.hired_statuses
    )
    # Shard tasks are streaming generators: their blocks and summary are owned by this driver (lineage: a block
    # lost with its node is rebuilt by re-running the task).
    vaga_task = ray_task(_vaga_shard, **spread)
    entries_task = ray_task(_prospect_entries, num_returns=2, **spread)
    applicant_task = ray_task(_applicant_shard, **spread)
    prospect_task = ray_task(_prospect_shard, **spread)
    bar = tqdm(desc="ingest", unit="doc", disable=not progress)
    summaries: dict[str, list[ShardSummary]] = {"vagas": [], "applicants": [], "prospects": []}
    tables: list[Any] = []

    def files(kind: str) -> Iterator[Any]:
        path = data_dir / FILES[kind]
        if path.exists():
            yield from read.remote(str(path), kind, shard_records)

    def collect(generators: Iterable[Any], into: str) -> None:
        for generator in generators:
            *blocks, summary_ref = list(generator)
            s: ShardSummary = ray.get(summary_ref)
            summaries[into].append(s)
            if s.index == 0 and s.kind != "prospects":  # wave B prospects: read in wave A
                out.read_seconds[FILES[s.kind]] = s.read_s
            _add(stages, s.seconds)
            out.documents_by_node[s.node] = out.documents_by_node.get(s.node, 0) + s.documents
            report.documents += s.documents
            report.unchanged += s.documents - s.todo
            bar.update(s.documents - s.todo)
            tables.extend(blocks)

    # Wave A: vagas (documents too) and prospects (validation: the hired codes); the applicants file is read
    # meanwhile, its shards waiting in the object store for the hired codes.
    vaga_refs = [vaga_task.remote(shard, **kwargs) for shard in files("vagas")]
    entry_refs = [entries_task.remote(shard, hired_statuses=settings.hired_statuses) for shard in files("prospects")]
    applicant_shards = list(files("applicants"))
    entry_summaries: list[ShardSummary] = ray.get([s for _, s in entry_refs])
    for s in entry_summaries:
        _add(stages, s.seconds)
        if s.index == 0:
            out.read_seconds[FILES["prospects"]] = s.read_s
    hired = ray.put(set().union(*(s.hired for s in entry_summaries)))
    # Wave B: candidates (with the hired codes), applications (with the vagas' titles).
    applicant_refs = [applicant_task.remote(shard, hired, **kwargs) for shard in applicant_shards]
    collect(vaga_refs, "vagas")
    titles = ray.put({k: v for s in summaries["vagas"] for k, v in s.titles.items()})
    prospect_refs = [
        prospect_task.remote(entries, s.index, titles, **kwargs)
        for (entries, _), s in zip(entry_refs, entry_summaries, strict=True)
    ]
    collect(applicant_refs, "applicants")
    collect(prospect_refs, "prospects")
    out.phases["documents"] = time.perf_counter() - wave_start
    _finish_report(out, summaries, entry_summaries)
    bar.total = report.documents  # every document is built and looked up by now: the bar's total, so it shows
    bar.refresh()  # a percentage and the time left while the actors embed (unchanged ones are counted already)

    if tables:
        pipe_start = time.perf_counter()
        cpus = _cluster_cpus()
        out.cluster_cpus, out.nodes = cpus, _alive_nodes()
        out.actors = actors or max(1, int(cpus))
        threads = settings.model_copy(update={"torch_threads": 1})
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        ctx.raise_original_map_exception = True  # an embedding actor's own error, not Ray Data's wrapper
        with _killing_actors_on_exit() as roster:
            ds = ray.data.from_arrow_refs(tables).map_batches(
                embed_actor,
                fn_constructor_kwargs={"settings": threads, "roster": roster},
                batch_size=embed_batch,
                batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=out.actors),
                num_cpus=1,
            )
            # The embedded rows stream to this driver, which writes them with its one client while the actors embed
            # on. Closed explicitly, so a failed write stops Ray Data's executor at once.
            batches = iter(ds.iter_batches(batch_size=write_batch, batch_format="numpy"))
            try:
                for batch in batches:
                    t0 = time.perf_counter()
                    written = _write(store, batch, settings=settings)
                    stages["write"] += time.perf_counter() - t0
                    stages["embed"] += float(np.sum(batch["embed_s"]))
                    for node, n in Counter(str(n) for n in batch["embed_node"]).items():
                        out.embedded_by_node[node] = out.embedded_by_node.get(node, 0) + n
                    report.embedded += written
                    bar.update(written)
                    bar.set_postfix(embedded=report.embedded, unchanged=report.unchanged)
            finally:
                close = getattr(batches, "close", None)
                if close is not None:
                    close()
        out.phases["embed_write"] = time.perf_counter() - pipe_start
    else:
        out.cluster_cpus, out.nodes = _cluster_cpus(), _alive_nodes()
    bar.close()
    report.table, report.table_seconds = ray.get(table_ref)
    report.table_seconds = round(report.table_seconds, 3)
    if prune:
        t0 = time.perf_counter()
        seen = {i for group in summaries.values() for s in group for i in s.ids}
        stale = [i for i in store.all_ids() if i not in seen]
        store.delete(stale)
        report.pruned = len(stale)
        out.phases["prune"] = time.perf_counter() - t0


def _finish_report(
    out: DistributedReport, summaries: dict[str, list[ShardSummary]], entry_summaries: list[ShardSummary]
) -> None:
    """Counts and skips in the single-process report's order (vagas, applicants, prospects entries, then
    applications), each in file order."""
    report = out.report
    order = {k: sorted(v, key=lambda s: s.index) for k, v in summaries.items()}
    entries = sorted(entry_summaries, key=lambda s: s.index)
    report.skipped = [
        *(x for s in order["vagas"] for x in s.skipped),
        *(x for s in order["applicants"] for x in s.skipped),
        *(x for s in entries for x in s.skipped),
        *(x for s in entries for x in s.late_skipped),
    ]
    for group in (*order.values(), entries):
        for s in group:
            report.pii_redacted.update(s.pii)
    report.read = {
        "vagas": sum(s.valid for s in order["vagas"]),
        "applicants": sum(s.valid for s in order["applicants"]),
        "prospects": sum(s.valid for s in entries),
    }
