"""``embedder_backend="auto"``: the fastest embedder backend on this CPU that keeps retrieval quality.

Which backend wins depends on the CPU (issue #17): on an AMD EPYC with AVX512-BF16 and no AMX, OpenVINO int8 runs
4.5x torch and bf16 3.1x; on an Intel Xeon with AMX the two are level and int8 lost retrieval quality there. So no
single default is right, and the choice is measured once per machine: a calibration of a few seconds embeds a small
retrieval check (:data:`CHECK_PATH`: chunks of a synthetic sample and evaluation-set questions with the records that
answer them, written by ``python -m devtools.backend_check``) with each candidate, times it, and scores hit@5 and
MRR by exact cosine search. The fastest candidate whose hit@5 and MRR stay within :data:`HIT_TOLERANCE` /
:data:`MRR_TOLERANCE` of torch's (the bounds bench/embeddings.py applies) is chosen.

The choice is cached in ``<embedder cache>/backend-choice.json`` under a key naming the CPU model, the flags that
change the answer (AVX-512, VNNI, BF16, AMX), the thread count and the model, so a home copied to another machine
calibrates again there. An explicit ``RECRUTA_EMBEDDER_BACKEND`` never calibrates.

Vectors of different backends never share an index: the backend is part of the collection name
(:func:`recruta.ingest.embeddings.embedder_name`) and of every logged model's config, which records the concrete
backend, never ``auto``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from recruta.core.settings import Settings

__all__ = [
    "AUTO",
    "CANDIDATES",
    "CHECK_PATH",
    "CHOICE_FILE",
    "HIT_TOLERANCE",
    "MRR_TOLERANCE",
    "Choice",
    "Trial",
    "backend_note",
    "calibrate",
    "cached_choice",
    "choose_backend",
    "cpu_signature",
    "index_backend",
    "machine_key",
    "resolve_backend",
]

log = logging.getLogger(__name__)

AUTO = "auto"
CANDIDATES: tuple[str, ...] = (
    "torch",
    "openvino-bf16",
    "openvino-int8",
)  # "openvino" (fp32) is torch's vectors, slower
HIT_TOLERANCE, MRR_TOLERANCE = 0.01, 0.01  # what "the same retrieval quality as torch" allows (bench/embeddings.py)
CHECK_PATH = Path(__file__).with_name("backend_check.json")
CHOICE_FILE = "backend-choice.json"
_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8", "amx_fp16")
K = 5


@dataclass(frozen=True, kw_only=True)
class Trial:
    """One candidate's calibration: embedding time of the check's chunks, and its retrieval quality."""

    backend: str
    seconds: float = 0.0
    hit_at_5: float = 0.0
    mrr: float = 0.0
    kept: bool = False  # quality within the bounds of torch's
    error: str = ""  # why the candidate could not run (e.g. a model OpenVINO cannot convert)


@dataclass(frozen=True, kw_only=True)
class Choice:
    backend: str
    machine: str
    spec: str
    source: str  # "calibrated" (just now) or "cache"
    trials: list[Trial] = field(default_factory=list)
    calibrated_at: str = ""
    calibration_s: float = 0.0

    def speedup(self) -> float | None:
        """The chosen backend's speed relative to torch in the calibration (None when not measured)."""
        times = {t.backend: t.seconds for t in self.trials if not t.error}
        if self.backend not in times or "torch" not in times or not times[self.backend]:
            return None
        return times["torch"] / times[self.backend]

    def describe(self) -> str:
        """One line for logs and /info: what was chosen, how, on which machine."""
        speed = self.speedup()
        gain = f", {speed:.2f}x torch" if speed else ""
        return f"{self.backend} (auto, {self.source} {self.calibrated_at}{gain}; {self.machine})"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: str) -> Choice:
        trials = [Trial(**t) for t in data.get("trials", [])]
        return cls(**{**data, "trials": trials, "source": source})


@cache
def cpu_signature() -> str:
    """The CPU model and the flags that decide which backend is fastest (e.g. ``AMD EPYC [avx2 avx512_bf16 ...]``)."""
    model, flags = platform.processor() or platform.machine(), set[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == "model name" and value.strip():
                model = value.strip()
            elif name.strip() == "flags":
                flags = set(value.split())
                break  # the first processor's block tells all
    except OSError:  # not Linux: the model name alone
        pass
    return f"{model} [{' '.join(f for f in _FLAGS if f in flags)}]"


def machine_key(spec: str, *, threads: int | None) -> str:
    """The cache key of a choice: CPU, cores used and model."""
    cores = threads or os.cpu_count() or 1
    return f"{cpu_signature()} threads={cores} model={spec}"


@cache
def _check() -> dict[str, Any]:
    return dict(json.loads(CHECK_PATH.read_text()))


def _quality(
    chunks: np.ndarray, questions: np.ndarray, chunk_ids: Sequence[str], wanted: Sequence[Sequence[str]]
) -> tuple[float, float]:
    """hit@5 and MRR of exact cosine search of ``questions`` over ``chunks`` (unit vectors)."""
    from recruta.rag.metrics import hit_at_k, mrr, retrieval_rank

    top = np.argsort(-(questions @ chunks.T), axis=1, kind="stable")[:, :K]
    ranks = [retrieval_rank([chunk_ids[j] for j in row], w) for row, w in zip(top, wanted, strict=True)]
    return hit_at_k(ranks, K), mrr(ranks)


def calibrate(
    spec: str,
    *,
    load: Callable[[str], Any],
    candidates: Sequence[str] = CANDIDATES,
    check: dict[str, Any] | None = None,
    repeats: int = 2,
    timed: int = 96,
    batch_size: int = 32,
) -> list[Trial]:
    """Time and score every candidate on the retrieval check (``load(backend)`` builds an embedder). Each
    candidate embeds the whole check once (its quality; also the warm-up), then its first ``timed`` chunks
    ``repeats`` times; its time is the best of those. Torch is the quality reference: it must run."""
    check = check or _check()
    texts = [c["text"] for c in check["chunks"]]
    ids = [c["id"] for c in check["chunks"]]
    questions = [q["question"] for q in check["questions"]]
    wanted = [q["record_ids"] for q in check["questions"]]
    measured: list[Trial] = []
    for backend in candidates:
        try:
            emb = load(backend)
        except Exception as exc:  # e.g. UnsupportedModel, or OpenVINO missing: the candidate is out, not the run
            if backend == "torch":
                raise
            measured.append(Trial(backend=backend, error=f"{type(exc).__name__}: {exc}"[:300]))
            continue
        chunks = emb.embed(texts, batch_size=batch_size)
        hit, rr = _quality(chunks, emb.embed(questions, batch_size=batch_size), ids, wanted)
        best = float("inf")
        for _ in range(repeats):
            started = time.perf_counter()
            emb.embed(texts[:timed], batch_size=batch_size)
            best = min(best, time.perf_counter() - started)
        measured.append(Trial(backend=backend, seconds=best, hit_at_5=hit, mrr=rr))
    ref = next(t for t in measured if t.backend == "torch") if "torch" in candidates else None
    return [
        Trial(
            **{
                **asdict(t),
                "kept": not t.error
                and (ref is None or (t.hit_at_5 >= ref.hit_at_5 - HIT_TOLERANCE and t.mrr >= ref.mrr - MRR_TOLERANCE)),
            }
        )
        for t in measured
    ]


def _fastest(trials: Sequence[Trial]) -> str:
    kept = [t for t in trials if t.kept]
    return min(kept, key=lambda t: t.seconds).backend if kept else "torch"


def _read(path: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(path.read_text()))
    except (OSError, ValueError):
        return {}


def cached_choice(spec: str, *, cache_root: Path, threads: int | None) -> Choice | None:
    """The choice recorded for this machine and model, if any (no calibration)."""
    got = _read(cache_root / CHOICE_FILE).get(machine_key(spec, threads=threads))
    return Choice.from_json(got, source="cache") if got else None


def choose_backend(
    spec: str,
    *,
    cache_root: Path,
    threads: int | None,
    load: Callable[[str], Any],
    candidates: Sequence[str] = CANDIDATES,
    refresh: bool = False,
) -> Choice:
    """The cached choice for this machine, or a calibration now (under a file lock: concurrent workers calibrate
    once, the others wait and read its result), recorded atomically beside the converted models."""
    key = machine_key(spec, threads=threads)
    path = cache_root / CHOICE_FILE
    if not refresh and (got := cached_choice(spec, cache_root=cache_root, threads=threads)) is not None:
        return got
    cache_root.mkdir(parents=True, exist_ok=True)
    with open(cache_root / f".{CHOICE_FILE}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not refresh and (got := cached_choice(spec, cache_root=cache_root, threads=threads)) is not None:
            return got
        log.info("embedder backend: calibrating %s on %s (once per machine)", ", ".join(candidates), cpu_signature())
        started = time.perf_counter()
        trials = calibrate(spec, load=load, candidates=candidates)
        choice = Choice(
            backend=_fastest(trials),
            machine=cpu_signature(),
            spec=spec,
            source="calibrated",
            trials=trials,
            calibrated_at=time.strftime("%Y-%m-%d %H:%M:%S"),
            calibration_s=round(time.perf_counter() - started, 2),
        )
        record = {**_read(path), key: {k: v for k, v in choice.to_json().items() if k != "source"}}
        fd, tmp = tempfile.mkstemp(prefix=f".{CHOICE_FILE}.", dir=cache_root)
        with os.fdopen(fd, "w") as fh:
            json.dump(record, fh, indent=1)
        os.replace(tmp, path)
    for t in trials:
        log.info(
            "embedder backend %-14s %s",
            t.backend,
            t.error
            or f"{t.seconds * 1000:.0f} ms, hit@5 {t.hit_at_5:.3f}, MRR {t.mrr:.3f}{'' if t.kept else ' (quality lost)'}",
        )
    log.info("embedder backend: %s", choice.describe())
    return choice


def resolve_backend(
    spec: str, backend: str, *, cache_root: Path, threads: int | None, load: Callable[[str], Any] | None = None
) -> str:
    """``backend`` itself unless it is ``auto``; then the machine's choice for ``spec`` (calibrated at first use).
    The hash fake has no backends: torch."""
    if backend != AUTO:
        return backend
    if spec.startswith("hash"):
        return "torch"
    if load is None:
        from recruta.ingest.embeddings import load_backend

        def load(b: str) -> Any:
            return load_backend(spec, backend=b, cache_root=cache_root, threads=threads)

    return choose_backend(spec, cache_root=cache_root, threads=threads, load=load).backend


def _filled_indexes(settings: Settings, spec: str) -> dict[str, int]:
    """How many chunks the index of ``settings`` holds per concrete backend (only those that exist and hold some)."""
    from recruta.ingest.embeddings import embedder_name
    from recruta.ingest.store import collection_name, make_client

    if not settings.chroma_host and not settings.chroma_path.exists():
        return {}
    try:
        client = make_client(settings)
    except Exception:  # no store to look at: nothing to keep consistent with
        return {}
    filled: dict[str, int] = {}
    for backend in CANDIDATES:
        name = collection_name(settings.collection, embedder_name(spec, backend=backend), settings.chunk_size)
        try:
            count = int(client.get_collection(name, embedding_function=None).count())
        except Exception:  # missing collection (Chroma's exception types vary by client and version)
            continue
        if count:
            filled[backend] = count
    return filled


def index_backend(settings: Settings, *, embedder: str | None = None, backend: str | None = None) -> str:
    """The concrete backend for the index ``settings`` describe (``embedder``/``backend`` override theirs).

    An explicit backend is itself. ``auto`` is this machine's choice, unless the index already holds the vectors of
    another backend and none of the chosen one's: then that index's backend is kept, with a warning saying how to
    switch, since switching means embedding everything again. Questions are always embedded like the chunks they
    are compared with; vectors of two backends never meet in one collection (the backend is in its name)."""
    spec = embedder or settings.embedder
    backend = backend or settings.embedder_backend
    if backend != AUTO:
        return backend
    if spec.startswith("hash"):
        return "torch"
    from recruta.ingest.embeddings import resolve

    chosen = resolve(spec, backend, cache_root=settings.embedder_cache, threads=settings.torch_threads)
    filled = _filled_indexes(settings, spec)
    if not filled or filled.get(chosen):
        return chosen
    kept = max(filled, key=lambda b: filled[b])
    _warn_kept(kept, chosen, filled[kept])
    return kept


@cache
def _warn_kept(kept: str, chosen: str, count: int) -> None:
    log.warning(
        "embedder backend: auto chose %s on this machine, but the index holds %d chunks embedded by %s and none by %s: "
        "keeping %s. To switch, ingest again with RECRUTA_EMBEDDER_BACKEND=%s (a new collection; the old one stays).",
        chosen,
        count,
        kept,
        chosen,
        kept,
        chosen,
    )


def backend_note(settings: Settings, backend: str) -> str:
    """How ``backend`` (the concrete one in use) was picked, for the ingestion log and /info."""
    if settings.embedder.startswith("hash"):
        return f"{backend} (hash embedder: no backends)"
    if settings.embedder_backend != AUTO:
        return f"{backend} (RECRUTA_EMBEDDER_BACKEND)"
    choice = cached_choice(settings.embedder, cache_root=settings.embedder_cache, threads=settings.torch_threads)
    if choice is None:
        return f"{backend} (auto)"
    if choice.backend != backend:
        return f"{backend} (auto: kept for the existing index; this machine's choice is {choice.describe()})"
    return choice.describe()
