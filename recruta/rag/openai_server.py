"""An OpenAI-compatible chat server for the packaged SmolLM2 (or any local transformers model).

    python -m recruta.rag.openai_server --port 8081            # http://127.0.0.1:8081/v1
    RECRUTA_GENERATOR=openai:smollm2 RECRUTA_OPENAI_BASE_URL=http://127.0.0.1:8081/v1 bentoml serve service:Recruta

Why: the assistant speaks to language models through the OpenAI chat API (Groq, vLLM, Ollama, OpenAI), and the
tests must exercise that path against a real HTTP server, offline. This one serves ``GET /v1/models`` and
``POST /v1/chat/completions`` (whole answers, or Server-Sent Events with ``"stream": true``) with the same
:class:`~recruta.rag.generators.TransformersGenerator` the assistant runs in-process: greedy decoding, so
``temperature`` and ``top_p`` are accepted and ignored. It binds 127.0.0.1 unless told otherwise and has no
authentication: it is a local tool, not a public endpoint.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import uuid
from collections.abc import Iterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from recruta.rag.generators import GenerationInput, Generator

__all__ = ["DEFAULT_MAX_TOKENS", "MAX_TOKENS", "build_app", "main"]

log = logging.getLogger("recruta.rag.openai_server")
DEFAULT_MAX_TOKENS = 128
MAX_TOKENS = 1024  # a small local model: longer asks are cut here
ROLES = ("system", "user", "assistant")


def _error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    """OpenAI's error shape, which every client library reads."""
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": None}}, status_code=status)


def _messages(body: Any) -> list[dict[str, str]] | str:
    """The request's messages as role/content texts, or what is wrong with them."""
    raw = body.get("messages") if isinstance(body, dict) else None
    if not isinstance(raw, list) or not raw:
        return "'messages' must be a non-empty list"
    out = []
    for m in raw:
        if not isinstance(m, dict) or m.get("role") not in ROLES:
            return f"each message needs a role among {', '.join(ROLES)}"
        content = m.get("content")
        if isinstance(content, list):  # the "parts" form: keep the text parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
        if not isinstance(content, str):
            return "each message needs a text 'content'"
        out.append({"role": str(m["role"]), "content": content})
    return out


def build_app(generator: Generator, *, model_id: str) -> Starlette:
    """The Starlette app serving ``generator`` as the model ``model_id`` (any requested model name is
    answered by it: one model per server)."""
    created = int(time.time())

    async def models(request: Request) -> Response:
        return JSONResponse(
            {"object": "list", "data": [{"id": model_id, "object": "model", "created": created, "owned_by": "recruta"}]}
        )

    async def chat(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "the body must be JSON")
        messages = _messages(body)
        if isinstance(messages, str):
            return _error(400, messages)
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            return _error(400, "'max_tokens' must be a positive integer")
        max_tokens = min(max_tokens, MAX_TOKENS)
        inp = GenerationInput(question=messages[-1]["content"], hits=[], messages=messages)
        cid, model = f"chatcmpl-{uuid.uuid4().hex[:24]}", str(body.get("model") or model_id)
        if body.get("stream"):
            return StreamingResponse(
                iterate_in_threadpool(_events(generator, inp, max_tokens, cid, model)), media_type="text/event-stream"
            )
        t0 = time.perf_counter()
        text = await run_in_threadpool(generator.generate, inp, max_new_tokens=max_tokens)
        log.info("completion of %d tokens max in %.0f ms", max_tokens, (time.perf_counter() - t0) * 1000)
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},  # not counted here
            }
        )

    return Starlette(
        routes=[Route("/v1/models", models, methods=["GET"]), Route("/v1/chat/completions", chat, methods=["POST"])]
    )


def _events(generator: Generator, inp: GenerationInput, max_tokens: int, cid: str, model: str) -> Iterator[str]:
    """The answer as OpenAI's ``chat.completion.chunk`` events, then ``[DONE]``."""

    def chunk(delta: dict[str, str], finish: str | None = None) -> str:
        data = {
            "id": cid,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant"})
    for piece in generator.stream(inp, max_new_tokens=max_tokens):
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from recruta.core.settings import get_settings, quiet_telemetry
    from recruta.rag.generators import generator_for

    quiet_telemetry()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2", help="smollm2 (packaged) or a transformers id / folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    if args.model.startswith("openai:") or args.model in ("extractive", "echo"):
        parser.error("--model must be a local model (smollm2, a transformers id or folder)")
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    generator = generator_for(args.model, settings)  # a local model: the OpenAI settings go unused
    uvicorn.run(build_app(generator, model_id=args.model), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
