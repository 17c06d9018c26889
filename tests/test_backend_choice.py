"""embedder_backend="auto": calibration picks the fastest backend that keeps retrieval quality, cached per machine
(recruta/ingest/backend_choice.py). Fakes stand in for the models; the real calibration is a ``-m real`` test."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from recruta.core.settings import Settings, get_settings
from recruta.ingest import backend_choice as bc
from recruta.ingest import embeddings
from recruta.ingest.embeddings import HashEmbedder, UnsupportedModel


@functools.cache
def _hashed(text: str) -> np.ndarray:
    return HashEmbedder(256).embed([text])[0]


class Timed(HashEmbedder):
    """The hash embedder (good enough to retrieve the check's records by their words) taking ``delay`` s a call;
    ``noisy`` replaces its vectors with random ones: a fast backend that lost retrieval quality."""

    def __init__(self, backend: str, *, delay: float, noisy: bool = False) -> None:
        super().__init__(256)
        self.backend, self.delay, self.noisy = backend, delay, noisy
        self.rng = np.random.default_rng(0)

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        time.sleep(self.delay)
        if self.noisy:
            v = self.rng.normal(size=(len(texts), self.dim)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)
        return np.stack([_hashed(t) for t in texts])  # hashed once per text: the delay is the only cost


def loader(**specs: Timed | Exception):
    calls: list[str] = []

    def load(backend: str) -> Timed:
        calls.append(backend)
        got = specs[backend.replace("openvino-", "")]
        if isinstance(got, Exception):
            raise got
        return got

    load.calls = calls  # type: ignore[attr-defined]
    return load


def test_the_fastest_backend_that_keeps_quality_wins() -> None:
    load = loader(
        torch=Timed("torch", delay=0.03),
        bf16=Timed("openvino-bf16", delay=0.01),
        int8=Timed("openvino-int8", delay=0.0, noisy=True),  # fastest, but retrieves at random
    )
    trials = {t.backend: t for t in bc.calibrate("minilm", load=load)}
    assert trials["torch"].hit_at_5 > 0.3 and trials["torch"].kept  # the check can tell quality apart
    assert trials["openvino-int8"].hit_at_5 < trials["torch"].hit_at_5 - bc.HIT_TOLERANCE
    assert not trials["openvino-int8"].kept and trials["openvino-bf16"].kept
    assert trials["openvino-int8"].seconds < trials["openvino-bf16"].seconds < trials["torch"].seconds
    assert bc._fastest(list(trials.values())) == "openvino-bf16"
    # same quality as torch and faster: int8 wins when it keeps quality
    load = loader(torch=Timed("torch", delay=0.06), bf16=Timed("b", delay=0.03), int8=Timed("openvino-int8", delay=0.0))
    assert bc._fastest(bc.calibrate("minilm", load=load)) == "openvino-int8"


def test_a_backend_that_cannot_run_is_left_out_but_torch_must_run() -> None:
    load = loader(torch=Timed("torch", delay=0.01), bf16=UnsupportedModel("no pooling"), int8=RuntimeError("nncf"))
    trials = bc.calibrate("org/cls-model", load=load)
    assert [(t.backend, t.kept) for t in trials] == [
        ("torch", True),
        ("openvino-bf16", False),
        ("openvino-int8", False),
    ]
    assert "UnsupportedModel: no pooling" in trials[1].error
    assert bc._fastest(trials) == "torch"
    with pytest.raises(RuntimeError, match="torch broke"):
        bc.calibrate(
            "minilm", load=loader(torch=RuntimeError("torch broke"), bf16=Timed("b", delay=0), int8=Timed("i", delay=0))
        )


def fast_loader() -> object:
    """bf16 wins: far faster than torch, and int8 lost quality."""
    return loader(torch=Timed("torch", delay=0.08), bf16=Timed("b", delay=0.0), int8=Timed("i", delay=0.0, noisy=True))


def test_the_choice_is_cached_per_machine_and_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = bc.choose_backend("minilm", cache_root=tmp_path, threads=2, load=fast_loader())
    assert (first.backend, first.source) == ("openvino-bf16", "calibrated")
    assert first.speedup() and first.speedup() > 1  # type: ignore[operator]
    record = json.loads((tmp_path / bc.CHOICE_FILE).read_text())
    (key,) = record
    assert key == bc.machine_key("minilm", threads=2) and bc.cpu_signature() in key and "threads=2" in key
    assert record[key]["backend"] == "openvino-bf16" and len(record[key]["trials"]) == 3

    never = loader(torch=AssertionError("calibrated again"), bf16=AssertionError(), int8=AssertionError())
    again = bc.choose_backend("minilm", cache_root=tmp_path, threads=2, load=never)
    assert (again.backend, again.source, again.trials) == ("openvino-bf16", "cache", first.trials)
    assert never.calls == []  # type: ignore[attr-defined]
    # another model, another thread count or another CPU: calibrated again, beside the first record
    other = fast_loader()
    bc.choose_backend("org/other", cache_root=tmp_path, threads=2, load=other)
    assert other.calls  # type: ignore[attr-defined]
    monkeypatch.setattr(bc, "cpu_signature", lambda: "Intel Xeon [avx512f amx_bf16 amx_int8]")
    moved = fast_loader()
    bc.choose_backend("minilm", cache_root=tmp_path, threads=2, load=moved)
    assert moved.calls and len(json.loads((tmp_path / bc.CHOICE_FILE).read_text())) == 3  # type: ignore[attr-defined]


def test_cpu_signature_names_the_model_and_the_flags_that_matter() -> None:
    sig = bc.cpu_signature()
    flags = sig[sig.index("[") + 1 : sig.index("]")].split()
    assert set(flags) <= set(bc._FLAGS)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        text = cpuinfo.read_text()
        assert next(line for line in text.splitlines() if line.startswith("model name")).split(":", 1)[1].strip() in sig
        assert ("avx2" in flags) == (" avx2" in text)


def test_an_explicit_backend_never_calibrates_and_the_fake_has_none(tmp_path: Path) -> None:
    boom = loader(torch=AssertionError(), bf16=AssertionError(), int8=AssertionError())
    assert (
        bc.resolve_backend("minilm", "openvino-int8", cache_root=tmp_path, threads=None, load=boom) == "openvino-int8"
    )
    assert bc.resolve_backend("hash", "auto", cache_root=tmp_path, threads=None, load=boom) == "torch"
    assert not (tmp_path / bc.CHOICE_FILE).exists()
    assert (
        bc.resolve_backend("minilm", "auto", cache_root=tmp_path, threads=None, load=fast_loader()) == "openvino-bf16"
    )


def plant(cache_root: Path, spec: str, backend: str, *, threads: int | None = None) -> None:
    """A choice as a calibration on this machine would have recorded it."""
    choice = bc.Choice(backend=backend, machine=bc.cpu_signature(), spec=spec, source="calibrated", calibrated_at="t")
    cache_root.mkdir(parents=True, exist_ok=True)
    (cache_root / bc.CHOICE_FILE).write_text(json.dumps({bc.machine_key(spec, threads=threads): choice.to_json()}))


def test_settings_default_to_auto_and_a_logged_config_records_the_concrete_backend(tmp_path: Path) -> None:
    from model import RAGConfig

    s = Settings(home=tmp_path)
    assert s.embedder_backend == "auto"
    plant(s.embedder_cache, "minilm", "openvino-int8")
    config = RAGConfig.from_settings(s)
    assert config.embedder_backend == "openvino-int8" and config.index_name == "decision-minilm-ov8-c800"
    assert embeddings.embedder_name("minilm", backend="auto", cache_root=s.embedder_cache) == "minilm-ov8"
    assert RAGConfig.from_settings(s, embedder_backend="torch").embedder_backend == "torch"  # an override wins
    assert bc.backend_note(s, "openvino-int8").startswith("openvino-int8 (auto, cache t")


class FakeOpenVINO(HashEmbedder):
    def __init__(self, spec: str, *, backend: str, cache_root: Path, threads: int | None = None) -> None:
        super().__init__(64)
        self.name = embeddings.embedder_name(spec, backend=backend)


def test_auto_keeps_the_backend_of_an_existing_index_and_says_so(
    small_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An index embedded by one backend is never extended or queried with another's vectors: when auto's choice
    changes (another CPU, a refreshed calibration) the existing index's backend stays, with a warning."""
    from ingestion import ingest
    from model import RAGConfig

    monkeypatch.setattr(embeddings, "OpenVINOEmbedder", FakeOpenVINO)
    monkeypatch.setattr(embeddings, "_CACHE", {})
    s = Settings(home=tmp_path / "home", embedder="org/some-model", generator="extractive", chunk_size=600)
    plant(s.embedder_cache, "org/some-model", "openvino-bf16")
    with caplog.at_level(logging.INFO, logger="recruta.ingestion"):
        report = ingest(data_dir=small_data, settings=s, progress=False)
    assert report.collection == "decision-org-some-model-ovbf16-c600" and report.embedded
    assert report.embedder_backend.startswith("openvino-bf16 (auto, cache")
    assert "embedder backend: openvino-bf16 (auto" in report.summary()
    assert any("backend openvino-bf16 (auto" in r.getMessage() for r in caplog.records)

    plant(s.embedder_cache, "org/some-model", "openvino-int8")  # the machine now prefers int8
    bc._warn_kept.cache_clear()
    with caplog.at_level(logging.WARNING, logger="recruta.ingest.backend_choice"):
        assert bc.index_backend(s) == "openvino-bf16"
        again = ingest(data_dir=small_data, settings=s, progress=False)
    assert again.collection == report.collection and again.embedded == 0  # same index, nothing re-embedded
    assert "kept for the existing index" in again.embedder_backend
    assert any("RECRUTA_EMBEDDER_BACKEND=openvino-int8" in r.getMessage() for r in caplog.records)
    assert RAGConfig.from_settings(s).index_name == report.collection  # the agent queries the same index
    # an explicit setting is obeyed (its own, new collection)
    explicit = s.model_copy(update={"embedder_backend": "openvino-int8"})
    assert bc.index_backend(explicit) == "openvino-int8"
    # with no index yet, auto's choice is taken
    fresh = s.model_copy(update={"home": tmp_path / "other"})
    plant(fresh.embedder_cache, "org/some-model", "openvino-int8")
    assert bc.index_backend(fresh) == "openvino-int8"


@pytest.mark.real
def test_real_calibration_on_this_machine(tmp_path: Path) -> None:
    """The real models on the real check: every candidate runs (MiniLM converts), torch retrieves the check's
    records, the choice is one that kept torch's quality and is cached."""
    started = time.perf_counter()
    choice = bc.choose_backend(
        "minilm",
        cache_root=tmp_path,
        threads=None,
        load=lambda b: embeddings.load_backend("minilm", backend=b, cache_root=get_settings().embedder_cache),
    )
    trials = {t.backend: t for t in choice.trials}
    assert set(trials) == set(bc.CANDIDATES) and not any(t.error for t in trials.values())
    assert trials["torch"].hit_at_5 >= 0.4  # 0.58 here: MiniLM alone, no id routing, Portuguese and English questions
    assert trials[choice.backend].kept and choice.backend in bc.CANDIDATES
    assert all(t.seconds > 0 for t in trials.values())
    assert bc.cached_choice("minilm", cache_root=tmp_path, threads=None) is not None
    print(f"calibration {time.perf_counter() - started:.1f} s (conversions included):", choice.describe(), trials)
