"""The Compatibilidade tab in headless Chromium: a pasted CV (as well as a file) and "Vagas para este CV".

The page (recruta/web, with its Content-Security-Policy) is served by its own Starlette app next to a small stand-in
for the service's screening endpoints that calls ``Screener`` directly over an index of the generated sample's
vagas (hash embedder), so this runs without a trained model or ``bentoml serve``. The stand-in's
``/suggest_vagas`` (JSON: ``cv_text``, ``limit``) and ``/suggest_vagas_file`` (multipart: ``cv_file``, ``limit``)
are the endpoints proposed for service.py; ``/match`` and ``/match_file`` are shaped like service.py's.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from recruta.core.errors import NotFound, RecrutaError
from recruta.core.settings import Settings
from recruta.ingest.embeddings import get_embedder
from recruta.screening.screener import Screener
from tests.conftest import free_port, wait_http
from tests.test_suggest import hired_vagas, planted_cv

if TYPE_CHECKING:
    from playwright.sync_api import Page

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = [pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
UI = 20_000  # ms


def _stand_in(screener: Screener, store: Any) -> Any:
    """/ui (the real page app) plus the screening endpoints and /info over ``screener``."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Mount, Route

    from recruta.web.app import create_app

    def form_value(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else None  # BentoML JSON-decodes form values

    async def call(fn: Any) -> Response:
        try:
            return JSONResponse(await fn())
        except NotFound as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        except RecrutaError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    async def match(request: Request) -> Response:
        body = await request.json()
        return await call(
            lambda: _done(
                screener.match(cv_text=body["cv_text"], vaga_id=body.get("vaga_id"), job_text=body.get("job_text"))
            )
        )

    async def match_file(request: Request) -> Response:
        async def run() -> Any:
            form = await request.form()
            upload = form["cv_file"]
            return screener.match(
                data=await upload.read(),
                filename=upload.filename,  # type: ignore[union-attr]
                vaga_id=form_value(form.get("vaga_id")),
                job_text=form_value(form.get("job_text")),
            )

        return await call(run)

    async def suggest(request: Request) -> Response:
        body = await request.json()
        return await call(lambda: _done(screener.suggest(cv_text=body["cv_text"], limit=body.get("limit", 10))))

    async def suggest_file(request: Request) -> Response:
        async def run() -> Any:
            form = await request.form()
            upload = form["cv_file"]
            return screener.suggest(
                data=await upload.read(),
                filename=upload.filename,  # type: ignore[union-attr]
                limit=form_value(form.get("limit")) or 10,
            )

        return await call(run)

    async def info(request: Request) -> Response:
        return JSONResponse(
            {
                "registered_model": "recruta",
                "registry_version": "0",
                "alias": "test",
                "generator": "extractive",
                "embedder": "hash",
                "metrics": {},
                "run_name": "test",
            }
        )

    return Starlette(
        routes=[
            Route("/match", match, methods=["POST"]),
            Route("/match_file", match_file, methods=["POST"]),
            Route("/suggest_vagas", suggest, methods=["POST"]),
            Route("/suggest_vagas_file", suggest_file, methods=["POST"]),
            Route("/info", info, methods=["POST"]),
            Mount("/ui", app=create_app(lambda: store)),
        ]
    )


async def _done(value: Any) -> Any:
    return value


@pytest.fixture(scope="module")
def vagas(small_data: Path) -> dict[str, Any]:
    return json.loads((small_data / "vagas.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base(small_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from ingestion import ingest, open_index

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not present (Debian's chromium package)")
    folder = tmp_path_factory.mktemp("vagas-only")
    shutil.copy(small_data / "vagas.json", folder / "vagas.json")
    settings = Settings(home=tmp_path_factory.mktemp("home"), embedder="hash", generator="extractive", chunk_size=600)
    embedder = get_embedder("hash")
    ingest(data_dir=folder, settings=settings, embedder=embedder, progress=False)
    store = open_index(settings, embedder, create=False)
    screener = Screener(store=store, embedder=embedder)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(_stand_in(screener, store), host="127.0.0.1", port=port, log_level="warning")
    )
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
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield pg
        browser.close()
        assert not errors, f"JavaScript/CSP errors: {errors}"


def test_vagas_for_a_pasted_or_uploaded_cv(
    base: str, page: Page, small_data: Path, vagas: dict[str, Any], tmp_path: Path
) -> None:
    vid = hired_vagas(small_data, vagas)[0]
    cv = planted_cv(vagas[vid])
    page.goto(f"{base}/ui/")
    page.get_by_role("tab", name="Compatibilidade").click()
    page.get_by_label("Colar o texto do CV").check()
    expect(page.get_by_label("CV do candidato")).to_be_hidden()
    page.get_by_role("textbox", name="Texto do CV").fill(cv)
    page.get_by_label("Quantas vagas").fill("5")
    page.get_by_role("button", name="Vagas para este CV").click()

    api = httpx.post(f"{base}/suggest_vagas", json={"cv_text": cv, "limit": 5}, timeout=60).json()
    items = page.locator("#suggest-list li.suggestion")
    expect(items).to_have_count(5, timeout=UI)
    assert [items.nth(i).get_attribute("data-vaga") for i in range(5)] == [v["vaga_id"] for v in api["vagas"]]
    assert api["vagas"][0]["vaga_id"] == vid  # the vaga the CV was written for comes first
    for i, v in enumerate(api["vagas"]):
        row = items.nth(i)
        expect(row.locator(".suggestion-score")).to_have_text(str(v["score"]))
        expect(row.get_by_role("button", name=f"Vaga {v['vaga_id']} — {v['title']}")).to_be_visible()
        expect(row.locator(".suggestion-verdict")).to_have_text(v["verdict"])
        expect(row.locator("li.chip.ok")).to_have_count(min(len(v["strengths"]), 6))
        expect(row.locator("li.chip.gap")).to_have_count(min(len(v["gaps"]), 6))
        expect(row.locator("li.chip.more")).to_have_count(int(len(v["strengths"]) > 6) + int(len(v["gaps"]) > 6))
        width = row.locator(".meter-fill").evaluate("e => e.style.width")
        assert width == f"{v['score']}%"
    expect(page.locator("#suggest-summary")).to_contain_text(f"5 de {api['n_vagas']} vaga(s) do índice")
    expect(page.locator("#suggest-summary")).to_contain_text("CV colado como texto")
    page.screenshot(path=str(tmp_path / "ui_suggest.png"), full_page=True)

    # the title opens the vaga's record
    title = vagas[vid]["informacoes_basicas"]["titulo_vaga"]
    items.first.get_by_role("button", name=f"Vaga {vid} — {title}").click()
    expect(page.locator("#record-title")).to_have_text(f"Vaga {vid} — {title}", timeout=UI)
    expect(page.locator("#record-text")).to_contain_text(f"Vaga: {vid} - {title}")
    page.keyboard.press("Escape")
    expect(page.locator("#record-dialog")).to_be_hidden()

    # "Ver compatibilidade detalhada": the vaga picked, the full match of the pasted CV (/match), the same score
    items.first.get_by_role("button", name="Ver compatibilidade detalhada").click()
    expect(page.locator("#match-vaga .picked")).to_contain_text(f"Vaga escolhida: {vid}")
    expect(page.locator("#match-gauge .gauge-value")).to_have_text(str(api["vagas"][0]["score"]), timeout=UI)
    expect(page.locator("#match-cv-info")).to_have_text("CV colado como texto")
    match = httpx.post(f"{base}/match", json={"cv_text": cv, "vaga_id": vid}, timeout=60).json()
    assert match["score"] == api["vagas"][0]["score"]
    expect(page.locator("#match-strengths li")).to_have_count(max(1, len(match["strengths"])))

    # a pasted CV against a pasted job text goes to /match too
    job_text = "Analista de Recepção\nRequisitos:\n- Atendimento ao cliente\n- Pacote Office\nLocal: Fortaleza"
    page.get_by_label("Colar o texto da vaga").check()
    page.get_by_role("textbox", name="Texto da vaga").fill(job_text)
    page.get_by_role("button", name="Calcular compatibilidade").click()
    by_text = httpx.post(f"{base}/match", json={"cv_text": cv, "job_text": job_text}, timeout=60).json()
    assert by_text["score"] != match["score"]  # so the page below must have redrawn
    expect(page.locator("#match-gauge .gauge-value")).to_have_text(str(by_text["score"]), timeout=UI)

    # the same CV as a file: /suggest_vagas_file, the same vagas
    path = tmp_path / "cv.txt"
    path.write_text(cv, encoding="utf-8")
    page.get_by_label("Enviar arquivo").check()
    expect(page.get_by_role("textbox", name="Texto do CV")).to_be_hidden()
    page.get_by_label("CV do candidato").set_input_files(str(path))
    with page.expect_response(lambda r: r.url.endswith("/suggest_vagas_file")) as sent:
        page.get_by_role("button", name="Vagas para este CV").click()
    assert sent.value.status == 200
    expect(page.locator("#suggest-summary")).to_contain_text("CV lido como TXT", timeout=UI)
    assert [items.nth(i).get_attribute("data-vaga") for i in range(items.count())] == [
        v["vaga_id"] for v in api["vagas"]
    ]


def test_missing_cv_and_bad_limit_are_readable_messages(base: str, page: Page) -> None:
    page.goto(f"{base}/ui/")
    page.get_by_role("tab", name="Compatibilidade").click()
    alert = page.locator("#match-form [role=alert]")
    page.get_by_role("button", name="Vagas para este CV").click()
    expect(alert).to_have_text("Escolha o arquivo do CV (PDF, DOCX ou TXT).", timeout=UI)
    page.get_by_label("Colar o texto do CV").check()
    page.get_by_role("button", name="Vagas para este CV").click()
    expect(alert).to_have_text("Cole o texto do CV.", timeout=UI)
    page.get_by_role("button", name="Calcular compatibilidade").click()
    expect(alert).to_have_text("Cole o texto do CV.", timeout=UI)
    page.get_by_role("textbox", name="Texto do CV").fill("Recepcionista, atendimento ao cliente, Fortaleza")
    page.get_by_label("Quantas vagas").fill("0")
    page.get_by_role("button", name="Vagas para este CV").click()
    expect(alert).to_have_text("Quantas vagas: um número de 1 a 50.", timeout=UI)
    expect(page.locator("#suggest-result")).to_be_hidden()
