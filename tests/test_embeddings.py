"""Embedder backends (torch, OpenVINO fp32 / bf16 / int8): settings plumbing, collection names, the conversion
cache's atomicity (fake converters), and — marked ``real`` — the real MiniLM converted once into a tmp home."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from recruta.core.settings import Settings
from recruta.ingest import embeddings
from recruta.ingest.embeddings import (
    MANIFEST,
    HashEmbedder,
    OpenVINOEmbedder,
    UnsupportedModel,
    build_once,
    embedder_for,
    embedder_name,
    get_embedder,
    ir_folder,
)
from tests.conftest import ROOT


# --------------------------------------------------------------------------- settings and names
def test_backend_is_one_setting_validated_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RECRUTA_EMBEDDER_BACKEND", "openvino-int8")
    assert Settings(home=tmp_path).embedder_backend == "openvino-int8"
    monkeypatch.setenv("RECRUTA_EMBEDDER_BACKEND", "onnx")
    with pytest.raises(ValidationError, match="embedder_backend"):
        Settings(home=tmp_path)
    monkeypatch.delenv("RECRUTA_EMBEDDER_BACKEND")
    assert Settings(home=tmp_path).embedder_backend == "auto"  # the shipped default: calibrated per machine
    assert Settings(home=tmp_path).embedder_cache == tmp_path / "embedders"


def test_int8_vectors_get_their_own_collections_fp32_shares_torchs():
    from model import RAGConfig

    assert embedder_name("minilm") == embedder_name("minilm", backend="openvino") == "minilm"
    assert embedder_name("minilm", backend="openvino-int8") == "minilm-ov8"
    assert embedder_name("minilm", backend="openvino-bf16") == "minilm-ovbf16"
    assert (
        embedder_name("sentence-transformers/all-mpnet-base-v2", backend="openvino-int8")
        == "sentence-transformers-all-mpnet-base-v2-ov8"
    )
    assert embedder_name("hash", backend="openvino-int8") == "hash256"  # the fake has no backends
    with pytest.raises(ValueError, match="unknown embedder backend 'onnx'"):
        embedder_name("minilm", backend="onnx")
    with pytest.raises(ValueError, match="unknown embedder backend"):
        get_embedder("minilm", backend="onnx")
    assert RAGConfig().index_name == RAGConfig(embedder_backend="openvino").index_name == "decision-minilm-c800"
    assert RAGConfig(embedder_backend="openvino-int8").index_name == "decision-minilm-ov8-c800"
    assert RAGConfig(embedder_backend="openvino-bf16").index_name == "decision-minilm-ovbf16-c800"


def test_served_config_carries_the_backend_and_old_configs_mean_torch(tmp_path):
    from model import RAGConfig

    config = RAGConfig.from_settings(Settings(home=tmp_path, embedder_backend="openvino-int8"))
    logged = asdict(config)  # what experiment.py logs as params and the pyfunc's model_config
    assert logged["embedder_backend"] == "openvino-int8"
    assert RAGConfig(**logged) == config
    before = {k: v for k, v in logged.items() if k != "embedder_backend"}  # a model logged before the setting
    assert RAGConfig(**before).embedder_backend == "torch"


class FakeOpenVINO(HashEmbedder):
    """Stands in for OpenVINOEmbedder: records how it was built, embeds by hashing."""

    built: list[dict] = []

    def __init__(self, spec: str, *, backend: str, cache_root: Path, threads: int | None = None) -> None:
        super().__init__(64)
        self.name = embedder_name(spec, backend=backend)
        self.backend = backend
        FakeOpenVINO.built.append({"spec": spec, "backend": backend, "cache_root": cache_root, "threads": threads})


@pytest.fixture
def fake_openvino(monkeypatch):
    monkeypatch.setattr(embeddings, "OpenVINOEmbedder", FakeOpenVINO)
    monkeypatch.setattr(embeddings, "_CACHE", {})
    FakeOpenVINO.built = []
    return FakeOpenVINO


def test_ingestion_and_the_agent_use_the_backend_in_settings(fake_openvino, small_data, tmp_path):
    from ingestion import ingest
    from model import RAGAgent, RAGConfig

    s = Settings(
        home=tmp_path / "home",
        embedder="org/some-model",
        embedder_backend="openvino-int8",
        torch_threads=1,
        chunk_size=600,
        generator="extractive",
    )
    report = ingest(data_dir=small_data, settings=s, progress=False)
    assert report.collection == "decision-org-some-model-ov8-c600"
    assert fake_openvino.built == [
        {"spec": "org/some-model", "backend": "openvino-int8", "cache_root": s.embedder_cache, "threads": 1}
    ]
    agent = RAGAgent.from_config(RAGConfig.from_settings(s), settings=s)
    assert isinstance(agent.embedder, FakeOpenVINO) and agent.embedder.backend == "openvino-int8"
    assert agent.store.name == report.collection and agent.retrieve("vaga de desenvolvedor")
    assert embedder_for(s) is agent.embedder and len(fake_openvino.built) == 1  # one instance per process


def test_ingestion_cli_takes_the_backend(fake_openvino, small_data, tmp_path, monkeypatch, capsys):
    from ingestion import main

    monkeypatch.setattr("ingestion.get_settings", lambda: Settings(home=tmp_path / "home"))
    assert (
        main(["--data-dir", str(small_data), "--embedder", "org/m", "--embedder-backend", "openvino-int8", "--quiet"])
        == 0
    )
    assert "collection: decision-org-m-ov8-c800" in capsys.readouterr().out


# --------------------------------------------------------------------------- conversion cache
def fake_converter(calls: list[str], *, delay: float = 0.0):
    def build(tmp: Path) -> None:
        calls.append(tmp.name)
        (tmp / "openvino_model.xml").write_text("<net/>")
        time.sleep(delay)
        (tmp / MANIFEST).write_text("{}")

    return build


def test_conversion_is_cached_and_reused(tmp_path):
    calls: list[str] = []
    target = tmp_path / "embedders" / "m-openvino-abc"
    assert build_once(target, fake_converter(calls)) is True
    assert build_once(target, fake_converter(calls)) is False
    assert len(calls) == 1 and (target / "openvino_model.xml").exists()
    assert [p.name for p in target.parent.iterdir() if p.is_dir()] == [target.name]  # no temp folder left


def test_failed_conversion_leaves_no_cache_and_is_retried(tmp_path):
    target = tmp_path / "m-openvino-abc"

    def broken(tmp: Path) -> None:
        (tmp / "openvino_model.xml").write_text("<half")
        raise RuntimeError("converter crashed")

    with pytest.raises(RuntimeError, match="converter crashed"):
        build_once(target, broken)
    with pytest.raises(RuntimeError, match="wrote no manifest"):
        build_once(target, lambda tmp: (tmp / "openvino_model.xml").write_text("<net/>"))
    assert not target.exists() and not list(tmp_path.glob(".*tmp-*"))
    calls: list[str] = []
    assert build_once(target, fake_converter(calls)) is True and (target / MANIFEST).exists()


def test_killed_conversion_never_leaves_a_broken_cache(tmp_path):
    target = tmp_path / "m-openvino-abc"
    child = f"""
import os, signal, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from recruta.ingest.embeddings import build_once

def build(tmp):
    (tmp / "openvino_model.xml").write_text("<half")
    os.kill(os.getpid(), signal.SIGKILL)

build_once(Path({str(target)!r}), build)
"""
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert not target.exists() and list(tmp_path.glob(f".{target.name}.tmp-*"))  # the half-written temp folder
    calls: list[str] = []
    assert build_once(target, fake_converter(calls)) is True
    assert (target / MANIFEST).exists() and not list(tmp_path.glob(f".{target.name}.tmp-*"))


def test_concurrent_loads_convert_once(tmp_path):
    calls: list[str] = []
    target = tmp_path / "m-openvino-abc"
    results: list[bool] = []
    workers = [
        threading.Thread(target=lambda: results.append(build_once(target, fake_converter(calls, delay=0.3))))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(calls) == 1 and sorted(results) == [False, False, True]


def test_cache_folder_follows_backend_and_source(tmp_path):
    source = tmp_path / "my-model"
    source.mkdir()
    (source / "model.safetensors").write_bytes(b"1234")
    root = tmp_path / "embedders"
    fp32 = ir_folder(str(source), int8=False, cache_root=root)
    int8 = ir_folder(str(source), int8=True, cache_root=root)
    assert fp32.parent == int8.parent == root and fp32 != int8
    assert fp32.name.rsplit("-", 1)[0].endswith("my-model-openvino")
    assert int8.name.rsplit("-", 1)[0].endswith("my-model-openvino-int8")
    assert ir_folder(str(source), int8=False, cache_root=root) == fp32  # stable
    (source / "model.safetensors").write_bytes(b"12345")  # other weights: another conversion
    assert ir_folder(str(source), int8=False, cache_root=root) != fp32


# --------------------------------------------------------------------------- the real MiniLM
@pytest.fixture(scope="module")
def texts() -> list[str]:
    """CV-like chunks (and a few vagas) of the committed sample, as the document builder makes them."""
    import random

    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.documents import build_documents
    from recruta.ingest.loaders import load_dataset

    docs = list(
        build_documents(load_dataset(ROOT / "data", hired_statuses=DEFAULT_HIRED), chunk_size=800, chunk_overlap=100)
    )
    rng = random.Random(3)
    cvs = [d.text for d in docs if d.id.startswith("candidato:")]
    vagas = [d.text for d in docs if d.id.startswith("vaga:")]
    return rng.sample(cvs, 64) + rng.sample(vagas, 16)


@pytest.fixture(scope="module")
def ov_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ovhome") / "embedders"


@pytest.fixture(scope="module")
def backends(ov_cache):
    return {
        b: get_embedder("minilm", backend=b, cache_dir=ov_cache)
        for b in ("torch", "openvino", "openvino-bf16", "openvino-int8")
    }


@pytest.fixture(scope="module")
def vectors(backends, texts):
    return {b: e.embed(texts) for b, e in backends.items()}


@pytest.mark.real
def test_openvino_fp32_reproduces_torch(backends, vectors):
    ov = backends["openvino"]
    assert ov.conversion_s > 0  # converted in this session, into the tmp home
    assert vectors["openvino"].shape == vectors["torch"].shape == (80, 384)
    assert np.abs(vectors["openvino"] - vectors["torch"]).max() < 1e-4  # why it may share torch's collections
    assert ov.name == backends["torch"].name == "minilm"


@pytest.mark.real
def test_bf16_is_nearly_torch_from_the_same_ir(backends, vectors):
    bf16 = backends["openvino-bf16"]
    assert bf16.folder == backends["openvino"].folder and bf16.conversion_s == 0  # no conversion of its own
    cos = (vectors["openvino-bf16"] * vectors["torch"]).sum(axis=1)
    assert cos.min() >= 0.999, cos.min()
    assert bf16.name == "minilm-ovbf16"  # not bit-close to torch: its own collections


@pytest.mark.real
def test_int8_stays_close_to_torch(backends, vectors):
    cos = (vectors["openvino-int8"] * vectors["torch"]).sum(axis=1)
    assert cos.min() >= 0.98 and cos.mean() >= 0.99, (cos.min(), cos.mean())
    assert np.allclose(np.linalg.norm(vectors["openvino-int8"], axis=1), 1, atol=1e-4)
    int8 = backends["openvino-int8"]
    assert int8.name == "minilm-ov8" and int8.manifest["calibration_texts"] > 0


@pytest.mark.real
def test_same_top1_neighbours(backends, vectors, texts):
    queries = [" ".join(texts[i].split()[20:45]) for i in (0, 9, 18, 27, 36, 45)] + [
        "desenvolvedor java com spring boot e microsserviços",
        "analista SAP FI com inglês avançado",
    ]
    top = {b: (vectors[b] @ e.embed(queries).T).argmax(axis=0).tolist() for b, e in backends.items()}
    assert all(t == top["torch"] for t in top.values()), top


@pytest.mark.real
def test_second_load_reuses_the_cache(backends, ov_cache, texts, monkeypatch):
    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again instead of reusing the cache")

    monkeypatch.setattr(embeddings, "convert_fp32", no_conversion)
    monkeypatch.setattr(embeddings, "quantize_int8", no_conversion)
    for backend in ("openvino", "openvino-bf16", "openvino-int8"):
        again = OpenVINOEmbedder("minilm", backend=backend, cache_root=ov_cache, threads=1)
        assert again.conversion_s == 0 and again.folder == backends[backend].folder
        assert np.allclose(again.embed(texts[:4]), backends[backend].embed(texts[:4]), atol=1e-5)
    assert {p for p in ov_cache.iterdir() if p.is_dir()} == {b.folder for n, b in backends.items() if n != "torch"}


@pytest.mark.real
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="pinning only matters with two cores or more")
def test_an_embedder_on_fewer_threads_than_cores_leaves_its_threads_unpinned(ov_cache, texts):
    # OpenVINO pins from the first core in every process: two one-thread embedders (Ray's actors) shared core 0
    one = OpenVINOEmbedder("minilm", backend="openvino-bf16", cache_root=ov_cache, threads=1)
    compiled = one._request.get_compiled_model()
    assert compiled.get_property("INFERENCE_NUM_THREADS") == 1
    assert compiled.get_property("ENABLE_CPU_PINNING") is False
    every = OpenVINOEmbedder("minilm", backend="openvino-bf16", cache_root=ov_cache, threads=os.cpu_count())
    assert every._request.get_compiled_model().get_property("ENABLE_CPU_PINNING") is True
    assert np.allclose(one.embed(texts[:4]), every.embed(texts[:4]), atol=1e-5)


@pytest.mark.real
def test_a_single_query_embeds_fast(backends):
    question = ["Qual o nível de inglês exigido para a vaga 1003?"]
    ref = backends["torch"].embed(question)[0]
    for backend in ("openvino", "openvino-bf16", "openvino-int8"):
        emb = backends[backend]
        emb.embed(question)
        started = time.perf_counter()
        v = emb.embed(question)
        assert time.perf_counter() - started < 1.0
        assert v.shape == (1, 384) and v.dtype == np.float32 and float(v[0] @ ref) > 0.98


@pytest.mark.real
def test_unsupported_models_fail_clearly(tmp_path, ov_cache):
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

    from recruta.ingest.embeddings import minilm_path

    cls_model = tmp_path / "minilm-cls"
    SentenceTransformer(modules=[Transformer(minilm_path()), Pooling(384, pooling_mode="cls")]).save(str(cls_model))
    with pytest.raises(UnsupportedModel, match=r"mean pooling.*Pooling\(cls\).*embedder_backend='torch'"):
        OpenVINOEmbedder(str(cls_model), backend="openvino", cache_root=ov_cache)
    assert not list(ov_cache.glob("minilm-cls-*"))  # nothing half-written
