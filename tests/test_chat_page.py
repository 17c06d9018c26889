"""The chat tab in headless Chromium: Markdown answers rendered safely, a document added to an open conversation.

The page (recruta/web, with its Content-Security-Policy) is served by its own Starlette app, next to a small
stand-in for the service's /chat/* endpoints that calls ChatService directly, so this runs without a trained
model or ``bentoml serve`` (tests/test_ui.py drives the real service). The stand-in's /chat/documents is the
endpoint proposed for service.py: multipart ``session_id``, ``kind`` and ``file`` → the session's history.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from recruta.chat.service import ChatService
from recruta.core.db import make_sessionmaker
from recruta.core.errors import NotFound, RecrutaError
from recruta.ingest.embeddings import get_embedder
from recruta.rag.generators import GenerationInput
from tests.conftest import free_port, wait_http
from tests.test_ui import shown

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = [pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).parent / "data" / "chat_docs"
UI = 15_000  # ms
HOSTILE = (
    '**Resumo** do trabalho:\n- liderou a equipe\n- <img src=x onerror="window.__pwned=1">\n'
    "<script>window.__pwned=2</script> [clique](javascript:window.__pwned=3)"
)


class Hostile:
    """A generator whose answer tries to inject markup; the page must show it as text."""

    name = "hostile"

    def generate(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> str:
        return HOSTILE

    def stream(self, inp: GenerationInput, *, max_new_tokens: int = 0) -> Iterator[str]:
        yield from (HOSTILE[i : i + 20] for i in range(0, len(HOSTILE), 20))


def _stand_in(svc: ChatService) -> Any:
    """/ui (the real page app) plus /chat/* and /info over ``svc``, shaped like service.py's endpoints."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Mount, Route

    from recruta.web.app import create_app

    def form_text(value: Any) -> str:
        return json.loads(value) if isinstance(value, str) else ""  # the page JSON-encodes form text (formText)

    async def call(fn: Any) -> Response:
        try:
            return JSONResponse(await fn())
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except RecrutaError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def sessions(request: Request) -> Response:
        async def run() -> Any:
            form = await request.form()
            docs = [
                (kind, form[kind].filename, await form[kind].read())  # type: ignore[union-attr]
                for kind in ("cv", "recommendation", "interests", "job_description")
                if kind in form
            ]
            return svc.create_session(documents=docs, title=form_text(form.get("title")) or None)

        return await call(run)

    async def documents(request: Request) -> Response:
        async def run() -> Any:
            form = await request.form()
            upload = form["file"]
            return svc.add_document(
                form_text(form["session_id"]),
                kind=form_text(form["kind"]),
                filename=upload.filename,
                data=await upload.read(),
            )  # type: ignore[union-attr]

        return await call(run)

    async def stream(request: Request) -> Response:
        body = await request.json()
        pieces = svc.stream(body["session_id"], body["message"])
        return StreamingResponse(pieces, media_type="text/plain; charset=utf-8")

    async def history(request: Request) -> Response:
        body = await request.json()
        return await call(lambda: _done(svc.history(body["session_id"])))

    async def listing(request: Request) -> Response:
        return JSONResponse({"sessions": svc.list_sessions()})

    async def info(request: Request) -> Response:
        return JSONResponse(
            {
                "registered_model": "recruta",
                "registry_version": "0",
                "alias": "test",
                "generator": "hostile",
                "embedder": "hash",
                "metrics": {},
                "run_name": "test",
            }
        )

    return Starlette(
        routes=[
            Route("/chat/sessions", sessions, methods=["POST"]),
            Route("/chat/documents", documents, methods=["POST"]),
            Route("/chat/stream", stream, methods=["POST"]),
            Route("/chat/history", history, methods=["POST"]),
            Route("/chat/list", listing, methods=["POST"]),
            Route("/info", info, methods=["POST"]),
            Mount("/ui", app=create_app(lambda: None)),
        ]
    )


async def _done(value: Any) -> Any:
    return value


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not present (Debian's chromium package)")
    db = tmp_path_factory.mktemp("chat-page") / "db.sqlite"
    svc = ChatService(
        sessionmaker=make_sessionmaker(f"sqlite:///{db}"), generator=Hostile(), embedder=get_embedder("hash")
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(_stand_in(svc), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/ui/", timeout=30)
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(base: str) -> Iterator[Page]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR")
        pg = context.new_page()
        errors: list[str] = []
        dialogs: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        yield pg
        browser.close()
        assert not errors, f"JavaScript/CSP errors: {errors}"
        assert not dialogs, f"the page opened dialogs: {dialogs}"


def send(page: Page, text: str) -> Any:
    answers = page.locator("#chat-messages .msg.assistant .msg-body")
    before = answers.count()
    page.locator("#chat-message").fill(text)
    page.locator("#chat-form button[type=submit]").click()
    expect(answers).to_have_count(before + 1, timeout=UI)
    last = answers.nth(before)
    expect(last).not_to_have_class("msg-body md streaming", timeout=UI)
    expect(last).not_to_have_text("…", timeout=UI)
    return last


def test_answers_render_markdown_safely_and_a_document_can_be_added(base: str, page: Page, tmp_path: Path) -> None:
    response = page.goto(f"{base}/ui/")
    assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_role("tab", name="Conversa").click()
    page.locator("#chat-cv").set_input_files(str(DOCS / "renata_cv_pt.txt"))
    page.locator("#chat-create button[type=submit]").click()
    expect(page.locator("#chat-docs li")).to_have_count(1, timeout=UI)
    expect(page.locator("#chat-session-title")).to_have_text("Renata Albuquerque Moreira — Engenheira de Dados Sênior")
    expect(page.locator("#chat-doc-submit")).to_have_text("Adicionar documento")

    # facts as Markdown: bold labels and a list, as elements
    tech = send(page, "Quais linguagens de programação ela usa?")
    expect(tech.locator("strong").first).to_have_text("Linguagens de programação:")
    assert "Python" in tech.inner_text() and tech.locator("ul > li").count() >= 1
    session_id = page.locator('#chat-sessions button[aria-current="true"]').get_attribute("data-session")
    stored = httpx.post(f"{base}/chat/history", json={"session_id": session_id}, timeout=30).json()["messages"]
    assert shown(stored[-1]["content"]) == shown(tech.inner_text())  # what test_ui compares after a real stream

    # a model's answer with markup: bold and list rendered, tags shown as text, nothing executed or loaded
    hostile = send(page, "Conte como foi o trabalho dela no banco.")
    expect(hostile.locator("strong")).to_have_text("Resumo")
    expect(hostile.locator("li")).to_have_count(2)
    assert "<img src=x" in hostile.inner_text() and "<script>" in hostile.inner_text()
    assert page.locator("#chat-messages img, #chat-messages script, #chat-messages a").count() == 0
    assert page.evaluate("window.__pwned") is None

    # add the job to the open conversation: the documents, the history and the next answer use it
    page.locator("#chat-doc-kind").select_option("job_description")
    page.locator("#chat-doc-file").set_input_files(str(DOCS / "job_engenheiro_dados_pt.txt"))
    with page.expect_response(lambda r: r.url.endswith("/chat/documents")) as added:
        page.locator("#chat-doc-submit").click()
    assert added.value.status == 200
    expect(page.locator("#chat-docs li")).to_have_count(2, timeout=UI)
    expect(page.locator("#chat-messages .msg.event")).to_contain_text("Documento adicionado: Vaga")
    expect(page.locator("#chat-doc-submit")).to_have_text("Substituir documento")
    fit = send(page, "Ela é adequada para a vaga?")
    expect(fit).to_contain_text("Aderência à vaga")
    page.screenshot(path=str(tmp_path / "chat_markdown.png"), full_page=True)
