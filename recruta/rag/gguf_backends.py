"""Backends that decode the packaged SmolLM2 GGUF (or any llama-architecture GGUF) without torch (issue #17).

The torch int4 path (recruta/rag/quant.py) prefills fast but decodes one token per Python-level forward of
transformers' ``generate``: with 135M parameters the per-token overhead, not the arithmetic, sets its pace.
Two engines run the whole decode loop natively on the same GGUF:

- ``openvino`` — ``openvino-genai`` (a prebuilt wheel, in requirements.txt) reads the GGUF itself, keeps its
  Q4_1 blocks as u4 weights, and saves the converted IR under ``RECRUTA_HOME/llm`` so later loads skip the
  conversion. The shipped default (bench/generation.py, BENCHMARKS.md).
- ``llama.cpp`` — ``llama-cpp-python``, an optional extra that compiles llama.cpp at install (~8 min on 2 cores).

Both are fed the token ids of the same transformers tokenizer and chat template as the torch path, and their
output ids are decoded by it, so the three backends see the same prompt and differ only in arithmetic.
Decoding is greedy with repetition penalty 1.1 like :class:`recruta.rag.generators.TransformersGenerator`.
"""

from __future__ import annotations

import importlib.util
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from recruta.core.compute import compute, on_compute_thread, openvino_threads
from recruta.core.compute import executor as compute_executor
from recruta.core.settings import LLMBackend

log = logging.getLogger("recruta.rag.gguf_backends")

LLM_BACKENDS: tuple[LLMBackend, ...] = ("openvino", "llama.cpp", "torch")
REPETITION_PENALTY = 1.1  # the same as TransformersGenerator's
_MODULE = {"openvino": "openvino_genai", "llama.cpp": "llama_cpp"}
_INSTALL = {
    "openvino": "pip install openvino-genai==2026.4.1",
    "llama.cpp": "pip install llama-cpp-python==0.3.36 (compiles llama.cpp, ~8 min on 2 cores; see README)",
}

__all__ = [
    "LLM_BACKENDS",
    "GGUFGenerator",
    "LLMBackend",
    "TokenEngine",
    "backend_available",
    "load_llama_cpp",
    "load_openvino",
    "missing_backend",
]


def backend_available(backend: str) -> bool:
    """Whether ``backend``'s engine is importable here (``torch`` always is)."""
    module = _MODULE.get(backend)
    return module is None or importlib.util.find_spec(module) is not None


def missing_backend(backend: str) -> str:
    """Why ``backend`` cannot run here, for the log line of a fallback."""
    return f"{_MODULE.get(backend, backend)} is not installed ({_INSTALL.get(backend, '')})"


class Tokenizer(Protocol):
    """The part of a transformers tokenizer the backends use."""

    def apply_chat_template(self, messages: Any, **kwargs: Any) -> Any: ...

    def decode(self, ids: Any, **kwargs: Any) -> Any: ...


# An engine: (prompt ids, max new tokens, on_token(id) -> keep going) -> generated ids. Greedy, penalty 1.1.
TokenEngine = Callable[[list[int], int, Callable[[int], bool]], list[int]]


@dataclass(kw_only=True)
class GGUFGenerator:
    """A :class:`recruta.rag.generators.Generator` over a native engine: transformers tokenises and detokenises,
    the engine prefills and decodes. ``name`` stays the generator spec (``smollm2``) whatever the backend, so
    configs, experiments and RECRUTA_GENERATOR compare equal; ``backend`` says which engine runs it."""

    name: str
    backend: str
    tokenizer: Tokenizer
    engine: TokenEngine
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _prompt(self, messages: list[dict[str, str]]) -> list[int]:
        ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):  # transformers 5 returns a BatchEncoding
            ids = ids["input_ids"]
        return [int(i) for i in ids]

    def _text(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=True))

    @compute
    def generate(self, inp: Any, *, max_new_tokens: int) -> str:
        with self._lock:
            out = self.engine(self._prompt(inp.messages), max_new_tokens, lambda _: True)
        return self._text(out).strip()

    def stream(self, inp: Any, *, max_new_tokens: int) -> Iterator[str]:
        """Text pieces as tokens arrive; a piece is held back while it ends in an incomplete UTF-8 sequence."""
        prompt = self._prompt(inp.messages)
        pieces: queue.Queue[str | None] = queue.Queue()
        ids: list[int] = []
        sent = [""]

        def on_token(token: int) -> bool:
            ids.append(token)
            text = self._text(ids)
            if not text.endswith("\ufffd") and len(text) > len(sent[0]):
                pieces.put(text[len(sent[0]) :])
                sent[0] = text
            return True

        def run() -> None:
            try:
                with self._lock:
                    self.engine(prompt, max_new_tokens, on_token)
            finally:
                pieces.put(None)

        if on_compute_thread():  # already there: generate whole, then hand the pieces out
            run()
            done = None
        else:
            done = compute_executor().submit(run)
        while (piece := pieces.get()) is not None:
            if piece:
                yield piece
        if done is not None:
            done.result()  # re-raises the engine's error, if any


# --------------------------------------------------------------------------- OpenVINO GenAI
OPENVINO_DIR = "smollm2-135m-instruct-openvino"


def openvino_ir(gguf: Path, cache_dir: Path, *, folder: str = OPENVINO_DIR) -> Path:
    """The GGUF converted once to an OpenVINO IR folder (u4 weights as in the GGUF), built next to a link to the
    GGUF (openvino-genai writes the IR beside the file it reads) and renamed into place when complete."""
    import openvino_genai

    target = cache_dir / folder
    if (target / "openvino_model.xml").exists():
        return target
    tmp = target.with_name(f"{target.name}.tmp{time.time_ns()}")
    tmp.mkdir(parents=True)
    (tmp / gguf.name).symlink_to(gguf)
    log.info("converting %s to OpenVINO IR in %s (one time)", gguf.name, target)
    openvino_genai.LLMPipeline(str(tmp / gguf.name), "CPU", enable_save_ov_model=True)
    (tmp / gguf.name).unlink()
    try:
        tmp.rename(target)
    except OSError:  # another process finished the same conversion first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def openvino_engine(pipeline: Any, *, ov_tensor: Callable[[Any], Any], tokenized: Callable[..., Any]) -> TokenEngine:
    """A :data:`TokenEngine` over an ``openvino_genai.LLMPipeline`` (the module's types passed in so that tests
    can fake them)."""
    import openvino_genai

    def run(prompt: list[int], max_new_tokens: int, on_token: Callable[[int], bool]) -> list[int]:
        import numpy as np

        config = openvino_genai.GenerationConfig()
        config.max_new_tokens, config.do_sample, config.repetition_penalty = max_new_tokens, False, REPETITION_PENALTY

        class Streamer(openvino_genai.StreamerBase):  # type: ignore[misc]  # pybind base class, untyped
            def write(self, token: int | list[int]) -> Any:
                for t in token if isinstance(token, list) else [token]:
                    if not on_token(int(t)):
                        return openvino_genai.StreamingStatus.STOP
                return openvino_genai.StreamingStatus.RUNNING

            def end(self) -> None:
                return None

        ids = np.asarray([prompt], dtype=np.int64)
        inputs = tokenized(ov_tensor(ids), ov_tensor(np.ones_like(ids)))
        result = pipeline.generate(inputs, config, streamer=Streamer())
        return [int(t) for t in result.tokens[0]]

    return run


@compute
def load_openvino(
    gguf: Path, *, name: str, cache_dir: Path, tokenizer: Tokenizer, threads: int | None = None
) -> GGUFGenerator:
    """``openvino-genai`` over the GGUF (its IR cached under ``cache_dir``); ``threads``: inference threads (None:
    OpenVINO's default, one per core)."""
    import openvino
    import openvino_genai

    folder = openvino_ir(gguf, cache_dir)
    config = openvino_threads(threads)
    pipeline = openvino_genai.LLMPipeline(str(folder), "CPU", **config)
    engine = openvino_engine(pipeline, ov_tensor=openvino.Tensor, tokenized=openvino_genai.TokenizedInputs)
    return GGUFGenerator(name=name, backend="openvino", tokenizer=tokenizer, engine=engine)


# --------------------------------------------------------------------------- llama.cpp
def llama_cpp_engine(llama: Any) -> TokenEngine:
    """A :data:`TokenEngine` over a ``llama_cpp.Llama``: greedy (top-k 1), repetition penalty 1.1 over the whole
    context like transformers' (llama.cpp's default window is the last 64 tokens)."""

    def run(prompt: list[int], max_new_tokens: int, on_token: Callable[[int], bool]) -> list[int]:
        out: list[int] = []
        llama.reset()
        eos = llama.token_eos()
        for token in llama.generate(
            prompt, top_k=1, top_p=1.0, temp=0.0, repeat_penalty=REPETITION_PENALTY, reset=True
        ):
            if token == eos:
                break
            out.append(int(token))
            if not on_token(int(token)) or len(out) >= max_new_tokens:
                break
        return out

    return run


@compute
def load_llama_cpp(gguf: Path, *, name: str, tokenizer: Tokenizer, threads: int | None = None) -> GGUFGenerator:
    """``llama-cpp-python`` over the GGUF (context 4,096 tokens: the RAG prompt is ~1.3k)."""
    import os

    from llama_cpp import Llama

    llama = Llama(
        model_path=str(gguf),
        n_ctx=4096,
        n_batch=512,
        n_threads=threads or os.cpu_count() or 1,
        last_n_tokens_size=4096,
        verbose=False,
    )
    return GGUFGenerator(name=name, backend="llama.cpp", tokenizer=tokenizer, engine=llama_cpp_engine(llama))
