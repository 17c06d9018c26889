"""The GGUF backends (recruta/rag/gguf_backends.py) with fake engines, tokenizers and pipelines: what they feed the
engine, what they decode, how they stream, and how a missing engine falls back to torch."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from recruta.core.settings import Settings
from recruta.rag import generators, gguf_backends
from recruta.rag.generators import GenerationInput, generator_backend, make_generator
from recruta.rag.gguf_backends import GGUFGenerator, llama_cpp_engine

MESSAGES = [{"role": "user", "content": "Qual é a capital da França?"}]
INP = GenerationInput(question="q", hits=[], messages=MESSAGES)


class FakeTokenizer:
    """Ids are characters' code points; the chat template wraps the last message in <> (ids 60 and 62)."""

    def apply_chat_template(self, messages: Any, **kwargs: Any) -> Any:
        assert kwargs == {"add_generation_prompt": True, "tokenize": True}
        return {"input_ids": [ord(c) for c in f"<{messages[-1]['content']}>"]}

    def decode(self, ids: Any, **kwargs: Any) -> str:
        assert kwargs == {"skip_special_tokens": True}
        return bytes(ids).decode("utf-8", errors="replace")  # ids are bytes here: a split character shows as U+FFFD


class Recorder:
    """An engine answering ``answer``'s UTF-8 bytes, one token each, recording what it was asked."""

    def __init__(self, answer: str) -> None:
        self.answer = list(answer.encode())
        self.calls: list[tuple[list[int], int]] = []

    def __call__(self, prompt: list[int], max_new_tokens: int, on_token: Any) -> list[int]:
        self.calls.append((prompt, max_new_tokens))
        out = []
        for t in self.answer[:max_new_tokens]:
            out.append(t)
            if not on_token(t):
                break
        return out


def test_generate_feeds_the_chat_template_ids_and_decodes_the_engines_ids():
    engine = Recorder("  Paris.  ")
    gen = GGUFGenerator(name="smollm2", backend="openvino", tokenizer=FakeTokenizer(), engine=engine)
    assert gen.generate(INP, max_new_tokens=8) == "Paris."  # the first 8 of its tokens
    assert engine.calls == [([ord(c) for c in "<Qual é a capital da França?>"], 8)]
    assert generator_backend(gen) == "openvino" and gen.name == "smollm2"


def test_stream_yields_whole_characters_that_join_to_the_answer():
    gen = GGUFGenerator(name="smollm2", backend="llama.cpp", tokenizer=FakeTokenizer(), engine=Recorder("São Paulo é"))
    pieces = list(gen.stream(INP, max_new_tokens=64))
    assert "".join(pieces) == "São Paulo é" == gen.generate(INP, max_new_tokens=64)
    assert "ã" in pieces and "é" in pieces  # two-byte characters come out whole, never as U+FFFD halves
    assert all("\ufffd" not in p for p in pieces)


def test_stream_raises_the_engines_error():
    def broken(prompt: list[int], max_new_tokens: int, on_token: Any) -> list[int]:
        on_token(ord("a"))
        raise RuntimeError("engine failed")

    gen = GGUFGenerator(name="smollm2", backend="openvino", tokenizer=FakeTokenizer(), engine=broken)
    with pytest.raises(RuntimeError, match="engine failed"):
        list(gen.stream(INP, max_new_tokens=8))


def test_openvino_engine_decodes_greedily_with_the_penalty_and_streams_each_token():
    og = pytest.importorskip("openvino_genai")
    from recruta.rag.gguf_backends import openvino_engine

    seen: dict[str, Any] = {}

    class FakePipeline:
        def generate(self, inputs: Any, config: Any, *, streamer: Any) -> Any:
            seen.update(inputs=inputs, max_new=config.max_new_tokens, greedy=not config.do_sample)
            seen["penalty"] = config.repetition_penalty
            seen["statuses"] = [streamer.write(5), streamer.write([6, 7])]
            streamer.end()
            return type("Encoded", (), {"tokens": [[5, 6, 7]]})()

    engine = openvino_engine(FakePipeline(), ov_tensor=lambda a: a.tolist(), tokenized=lambda ids, mask: (ids, mask))
    got: list[int] = []
    assert engine([1, 2, 3], 9, lambda t: got.append(t) is None) == [5, 6, 7]
    assert got == [5, 6, 7]
    assert seen["inputs"] == ([[1, 2, 3]], [[1, 1, 1]])
    assert seen["max_new"] == 9 and seen["greedy"] and seen["penalty"] == pytest.approx(1.1)
    assert seen["statuses"] == [og.StreamingStatus.RUNNING] * 2
    # a consumer that says stop makes the streamer tell the pipeline to stop
    engine([1], 9, lambda t: t < 6)
    assert seen["statuses"] == [og.StreamingStatus.RUNNING, og.StreamingStatus.STOP]


class FakeLlama:
    """llama_cpp.Llama's generate: an endless greedy token stream with EOS (2) at a given place."""

    def __init__(self, tokens: list[int]) -> None:
        self.tokens, self.kwargs, self.resets = tokens, {}, 0

    def reset(self) -> None:
        self.resets += 1

    def token_eos(self) -> int:
        return 2

    def generate(self, prompt: list[int], **kwargs: Any) -> Any:
        self.kwargs = {"prompt": prompt, **kwargs}
        yield from self.tokens
        while True:
            yield 99


def test_llama_cpp_engine_is_greedy_with_the_penalty_and_stops_at_eos_or_the_limit():
    llama = FakeLlama([10, 11, 2, 12])
    engine = llama_cpp_engine(llama)
    got: list[int] = []
    assert engine([1, 2], 50, lambda t: got.append(t) is None) == [10, 11] == got  # EOS ends it, unreturned
    assert llama.kwargs["prompt"] == [1, 2] and llama.kwargs["top_k"] == 1 and llama.kwargs["temp"] == 0.0
    assert llama.kwargs["repeat_penalty"] == pytest.approx(1.1) and llama.resets == 1
    assert llama_cpp_engine(FakeLlama([]))([1], 4, lambda t: True) == [99, 99, 99, 99]  # max_new_tokens


class StubTorch:
    """Stands in for TransformersGenerator (no model load)."""

    def __init__(self, spec: str, *, cache_dir: Path, dtype: str, threads: int | None) -> None:
        self.name, self.backend = spec, f"torch-{dtype}"


@pytest.fixture
def stub_torch(monkeypatch):
    monkeypatch.setattr(generators, "TransformersGenerator", StubTorch)


def test_missing_engine_falls_back_to_torch_and_says_why(stub_torch, monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(gguf_backends, "backend_available", lambda backend: False)
    with caplog.at_level(logging.WARNING, logger="recruta.rag.generators"):
        gen = make_generator("smollm2", cache_dir=tmp_path, backend="llama.cpp")
    assert isinstance(gen, StubTorch) and gen.name == "smollm2"
    assert generator_backend(gen).startswith("torch-int4 (fallback: llama_cpp is not installed")
    assert "llm_backend=llama.cpp" in caplog.text and "llama-cpp-python" in caplog.text


def test_available_engine_is_loaded_for_smollm2_only(stub_torch, monkeypatch, tmp_path):
    loaded: list[dict[str, Any]] = []
    monkeypatch.setattr(gguf_backends, "backend_available", lambda backend: True)
    monkeypatch.setattr(generators, "smollm2_tokenizer", lambda cache_dir: "tok")
    monkeypatch.setattr(generators, "smollm2_gguf", lambda: Path("model.gguf"))
    monkeypatch.setattr(gguf_backends, "load_openvino", lambda gguf, **kw: loaded.append({"gguf": gguf, **kw}) or "ov")
    monkeypatch.setattr(gguf_backends, "load_llama_cpp", lambda gguf, **kw: loaded.append({"gguf": gguf, **kw}) or "lc")
    assert make_generator("smollm2", cache_dir=tmp_path, backend="openvino", threads=2) == "ov"
    assert loaded[-1] == {
        "gguf": Path("model.gguf"),
        "name": "smollm2",
        "cache_dir": tmp_path,
        "tokenizer": "tok",
        "threads": 2,
    }
    assert make_generator("smollm2", cache_dir=tmp_path, backend="llama.cpp") == "lc"
    assert isinstance(make_generator("smollm2", cache_dir=tmp_path, backend="torch"), StubTorch)
    hub = make_generator("HuggingFaceTB/SmolLM2-360M-Instruct", cache_dir=tmp_path, backend="openvino")
    assert isinstance(hub, StubTorch) and hub.name == "HuggingFaceTB/SmolLM2-360M-Instruct"  # hub ids: torch
    assert len(loaded) == 2
    with pytest.raises(ValueError, match="llm_backend must be one of"):
        make_generator("smollm2", cache_dir=tmp_path, backend="onnx")


def test_backend_setting_defaults_to_openvino_and_reads_the_env(monkeypatch):
    assert Settings.model_fields["llm_backend"].default == "openvino"
    monkeypatch.setenv("RECRUTA_LLM_BACKEND", "llama.cpp")
    assert Settings().llm_backend == "llama.cpp"
    assert generator_backend(make_generator("extractive", cache_dir=Path("."))) is None


@pytest.mark.real
@pytest.mark.parametrize("backend", ["openvino", "llama.cpp"])
def test_real_gguf_backend_decodes_smollm2_greedily(tmp_path_factory, backend):
    """The packaged GGUF decoded by the engine itself (skipped where the engine is not installed: llama.cpp is an
    optional extra)."""
    if not gguf_backends.backend_available(backend):
        pytest.skip(gguf_backends.missing_backend(backend))
    cache = tmp_path_factory.getbasetemp() / "llm"
    gen = make_generator("smollm2", cache_dir=cache, backend=backend, threads=2)
    assert isinstance(gen, GGUFGenerator) and generator_backend(gen) == backend and gen.name == "smollm2"
    inp = GenerationInput(
        question="q", hits=[], messages=[{"role": "user", "content": "What is the capital of France?"}]
    )
    first = gen.generate(inp, max_new_tokens=12)
    # torch and openvino (bf16/f32 activations) answer "The capital of France is Paris."; llama.cpp quantises the
    # activations to 8 bits for its Q4_1 dot products and, on this exact prompt, greedily starts "L'Étoile, la Cité".
    assert "Paris" in first if backend == "openvino" else len(first.split()) >= 3
    assert gen.generate(inp, max_new_tokens=12) == first  # greedy: same answer every time
    assert "".join(gen.stream(inp, max_new_tokens=12)).strip() == first
    assert (cache / generators.SMOLLM2_TOKENIZER / "tokenizer_config.json").exists()
    if backend == "openvino":  # converted once, cached: the next load skips the GGUF conversion
        assert (cache / gguf_backends.OPENVINO_DIR / "openvino_model.xml").exists()
