"""The recruiters' page (/ui) end to end: headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)
against a real ``bentoml serve`` (the session's ``served`` fixture).

Each test saves a full-page screenshot under the pytest temp dir and, when ``RECRUTA_UI_SCREENSHOTS`` is set, in
that directory too (``RECRUTA_UI_SCREENSHOTS=docs`` refreshes the README's images). Every test also checks that
the page fetched nothing from outside 127.0.0.1 and raised no JavaScript error.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import httpx
import pytest

from recruta.core.settings import DEFAULT_HIRED
from tests.conftest import BIN, ROOT, SHARED, env_for, free_port, stop, wait_http

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = [pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
RESUMES = SHARED / "resumes"
SLOW = 60_000  # ms: a server call on a busy 2-core machine
UI = 10_000  # ms: something the page does by itself
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
CPF = re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b")

Shot = Callable[..., Path]


# ---------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not present (Debian's chromium package)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shot(tmp_path_factory: pytest.TempPathFactory) -> Shot:
    folders = [tmp_path_factory.mktemp("ui-screenshots")]
    if os.environ.get("RECRUTA_UI_SCREENSHOTS"):
        folders.append(Path(os.environ["RECRUTA_UI_SCREENSHOTS"]))

    def save(page: Page, name: str, *, full_page: bool = True) -> Path:
        for folder in folders:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page, animations="disabled")
        return folders[0] / f"{name}.png"

    return save


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; afterwards: nothing requested outside 127.0.0.1, no uncaught JavaScript error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pt-BR")
    outside: list[str] = []
    errors: list[str] = []

    def guard(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not outside, f"the page fetched from outside 127.0.0.1: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


@pytest.fixture(scope="module")
def data(small_data: Path) -> dict:
    """The served sample's raw records, to compare the page with."""
    return {
        name: json.loads((small_data / f"{name}.json").read_text()) for name in ("vagas", "prospects", "applicants")
    }


@pytest.fixture(scope="module")
def hired_vaga(data: dict) -> str:
    """The vaga with a hire and the most applicants."""

    def applicants(vid: str) -> int:
        prospects = data["prospects"][vid]["prospects"]
        return len(prospects) if any(p["situacao_candidado"] in DEFAULT_HIRED for p in prospects) else 0

    return max(sorted(data["prospects"]), key=applicants)


def open_ui(page: Page, base: str) -> dict:
    """Open /ui (no trailing slash: the redirect is part of the test) and wait for the model footer."""
    info = httpx.post(f"{base}/info", timeout=30).json()
    page.goto(f"{base}/ui")
    expect(page.locator("#model-info")).to_contain_text(f"v{info['registry_version']}", timeout=SLOW)
    return info


def pick_vaga(page: Page, picker: str, query: str, vaga_id: str) -> None:
    page.locator(f"#{picker}-input").fill(query)
    page.locator(f"#{picker}-list").get_by_role("option").filter(has_text=re.compile(rf"^{vaga_id}\b")).click()
    expect(page.locator(f"#{picker} .picked")).to_contain_text(f"Vaga escolhida: {vaga_id}", timeout=UI)


def api_error(response: httpx.Response) -> str:
    """The message of an error response (one shape: {"error": {"status", "code", "message", "field"}, "request_id"})."""
    return response.json()["error"]["message"]


def shown(markdown: str) -> str:
    """The words a chat answer shows once its Markdown is rendered (no **, list markers or line breaks)."""
    text = re.sub(
        r"\*\*|`|^\s*(?:[-*•]|\d{1,3}[.)])\s+|^\s*>\s?|(?<![\w_])_(?=\S)|(?<=\S)_(?![\w_])", "", markdown, flags=re.M
    )
    return " ".join(text.split())


def assert_no_pii(text: str, applicant: dict) -> None:
    personal = applicant["informacoes_pessoais"]
    for value in (personal["cpf"], personal["email"], personal["telefone_celular"], personal["data_nascimento"]):
        if value:
            assert value not in text
    assert not EMAIL.search(text) and not CPF.search(text)


# ---------------------------------------------------------------------------------------------- tests
def test_ask_shows_answer_and_clickable_sources(served, page, shot, hired_vaga, data):
    base, _ = served
    info = open_ui(page, base)
    footer = page.locator("#model-info")
    expect(footer).to_contain_text(f"{info['registered_model']} v{info['registry_version']}", timeout=UI)
    expect(footer).to_contain_text(f"alias {info['alias']}", timeout=UI)
    expect(footer).to_contain_text("ROUGE-L", timeout=UI)
    expect(footer).to_contain_text("BLEU", timeout=UI)

    question = f"Qual o nível de inglês exigido para a vaga {hired_vaga}?"
    page.get_by_label("Pergunta").fill(question)
    page.get_by_role("button", name="Perguntar").click()
    api = httpx.post(f"{base}/responder", json={"pergunta": question, "top_k": 5}, timeout=60).json()
    sources = page.locator("#ask-sources button.source")
    expect(sources).to_have_count(len(api["fontes"]), timeout=SLOW)
    expect(page.locator("#ask-answer")).to_have_text(api["resposta"], timeout=UI)
    assert [sources.nth(i).get_attribute("data-id") for i in range(len(api["fontes"]))] == [
        f["id"] for f in api["fontes"]
    ]
    title = data["vagas"][hired_vaga]["informacoes_basicas"]["titulo_vaga"]
    expect(sources.first).to_contain_text(f"Vaga {hired_vaga} — {title}", timeout=UI)
    shot(page, "ui")

    sources.first.click()
    dialog = page.locator("#record-dialog")
    expect(dialog).to_be_visible(timeout=UI)
    expect(page.locator("#record-title")).to_have_text(f"Vaga {hired_vaga} — {title}", timeout=SLOW)
    expect(page.locator("#record-text")).to_contain_text(f"Vaga: {hired_vaga} - {title}", timeout=UI)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden(timeout=UI)


def test_match_uploaded_pdf_shows_score_and_breakdown(served, page, shot, data, tmp_path):
    base, _ = served
    vid = next(
        (v for v, rec in data["vagas"].items() if "Java" in rec["informacoes_basicas"]["titulo_vaga"]),
        next(iter(data["vagas"])),
    )
    cv = RESUMES / "single-column.pdf"
    open_ui(page, base)
    page.get_by_role("tab", name="Compatibilidade").click()
    page.get_by_label("CV do candidato").set_input_files(str(cv))
    pick_vaga(page, "match-vaga", data["vagas"][vid]["informacoes_basicas"]["titulo_vaga"], vid)  # search by title
    page.get_by_role("button", name="Calcular compatibilidade").click()

    # the same request to the API (form values are JSON-decoded by BentoML, hence the quoted id), in the page's
    # language: the page sends it as Accept-Language (else the wording would follow this English CV)
    api = httpx.post(
        f"{base}/match_file",
        files={"cv_file": (cv.name, cv.read_bytes(), "application/pdf")},
        data={"vaga_id": json.dumps(vid)},
        headers={"Accept-Language": "pt-BR"},
        timeout=60,
    ).json()
    expect(page.locator("#match-gauge .gauge-value")).to_have_text(str(api["score"]), timeout=SLOW)
    bars = page.locator("#match-chart g.signal")
    expect(bars).to_have_count(len(api["signals"]), timeout=UI)
    assert [bars.nth(i).get_attribute("data-signal") for i in range(bars.count())] == list(api["signals"])
    expect(page.locator("#match-verdict")).to_have_text(api["verdict"], timeout=UI)
    expect(page.locator("#match-strengths li")).to_have_count(max(1, len(api["strengths"])), timeout=UI)
    expect(page.locator("#match-gaps li")).to_have_count(max(1, len(api["gaps"])), timeout=UI)
    expect(page.locator("#match-sections li")).to_have_count(len(api["sections"]), timeout=UI)
    expect(page.locator("#match-advice li")).to_have_count(len(api["advice"]), timeout=UI)
    shot(page, "ui_match")

    job_text = (RESUMES / "jds" / "backend-eng.txt").read_text()
    page.get_by_label("Colar o texto da vaga").check()
    page.get_by_role("textbox", name="Texto da vaga").fill(job_text)
    page.get_by_role("button", name="Calcular compatibilidade").click()
    by_text = httpx.post(
        f"{base}/match_file",
        files={"cv_file": (cv.name, cv.read_bytes(), "application/pdf")},
        data={"job_text": json.dumps(job_text)},
        timeout=60,
    ).json()
    assert by_text["score"] != api["score"]  # so the page below must have redrawn
    expect(page.locator("#match-gauge .gauge-value")).to_have_text(str(by_text["score"]), timeout=SLOW)

    # a failing request clears the previous result: no error above a stale score
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"this is not a PDF")
    page.get_by_label("CV do candidato").set_input_files(str(bad))
    page.get_by_role("button", name="Calcular compatibilidade").click()
    expect(page.locator("#match-form [role=alert]")).to_be_visible(timeout=SLOW)
    expect(page.locator("#match-result")).to_be_hidden(timeout=UI)


def test_rank_marks_actual_hires_and_opens_pii_free_records(served, page, shot, hired_vaga, data):
    base, _ = served
    open_ui(page, base)
    page.get_by_role("tab", name="Ranking").click()
    box = page.locator("#rank-vaga-input")
    box.fill(hired_vaga)  # keyboard only: type, arrow down to the first option, Enter
    expect(page.locator("#rank-vaga-list [role=option]").first).to_contain_text(hired_vaga, timeout=SLOW)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator("#rank-vaga .picked")).to_contain_text(f"Vaga escolhida: {hired_vaga}", timeout=UI)
    page.get_by_role("button", name="Ordenar candidatos").click()

    api = httpx.post(
        f"{base}/rank", json={"vaga_id": hired_vaga, "scope": "applicants", "limit": 20}, timeout=60
    ).json()
    rows = page.locator("#rank-rows tr")
    expect(rows).to_have_count(len(api["candidates"]), timeout=SLOW)
    assert [rows.nth(i).get_attribute("data-candidate") for i in range(rows.count())] == [
        c["candidate_id"] for c in api["candidates"]
    ]
    hired_rows = page.locator("#rank-rows tr.hired")
    shown_hires = [c["candidate_id"] for c in api["candidates"] if c["hired"]]
    assert shown_hires, "the chosen vaga has a hire among its applicants"
    expect(hired_rows).to_have_count(len(shown_hires), timeout=UI)
    expect(hired_rows.first).to_contain_text("contratado", timeout=UI)
    assert hired_rows.first.get_attribute("data-candidate") == shown_hires[0]
    shot(page, "ui_rank")

    hire = shown_hires[0]
    hired_rows.first.get_by_role("button").click()
    name = data["applicants"][hire]["infos_basicas"]["nome"]
    expect(page.locator("#record-title")).to_have_text(f"{name} (código {hire})", timeout=SLOW)
    expect(page.locator("#record-text")).to_contain_text(f"Candidato: {name} (código {hire})", timeout=UI)
    assert_no_pii(page.locator("#record-dialog").inner_text(), data["applicants"][hire])


def test_chat_streams_two_answers_and_reopens_the_session(served, page, shot):
    base, _ = served
    title = f"Teste UI {uuid.uuid4().hex[:6]}"
    open_ui(page, base)
    page.get_by_role("tab", name="Conversa").click()
    page.get_by_label("CV *").set_input_files(str(RESUMES / "two-column.pdf"))
    page.get_by_label("Descrição da vaga").set_input_files(str(RESUMES / "jds" / "backend-eng.txt"))
    page.get_by_label("Título da conversa").fill(title)
    page.get_by_role("button", name="Abrir conversa").click()
    docs = page.locator("#chat-docs li")
    expect(docs).to_have_count(2, timeout=SLOW)
    expect(docs.nth(0)).to_contain_text(re.compile(r"^CV\s*two-column\.pdf"), timeout=UI)  # the client's name
    expect(docs.nth(1)).to_contain_text(re.compile(r"^Vaga\s*backend-eng\.txt"), timeout=UI)
    expect(page.locator("#chat-summary")).not_to_be_empty(timeout=UI)

    answers = page.locator("#chat-messages .msg.assistant .msg-body")
    box = page.get_by_label("Mensagem")
    for n, question in enumerate(["Quais linguagens de programação o candidato usa?", "Ele é adequado para a vaga?"]):
        box.fill(question)
        with page.expect_response(lambda r: r.url.endswith("/chat/stream")) as streamed:
            box.press("Enter")  # Enter sends
        assert streamed.value.headers["content-type"].startswith("text/plain")
        expect(page.get_by_role("button", name="Enviar")).to_be_enabled(timeout=SLOW)
        expect(answers).to_have_count(n + 1, timeout=UI)
    texts = [answers.nth(i).inner_text() for i in range(2)]
    assert all(t.strip() and t != "…" for t in texts)

    session_id = page.locator('#chat-sessions button[aria-current="true"]').get_attribute("data-session")
    history = httpx.post(f"{base}/chat/history", json={"session_id": session_id}, timeout=30).json()
    assert [m["role"] for m in history["messages"]] == ["user", "assistant"] * 2
    assert [shown(m["content"]) for m in history["messages"][1::2]] == [shown(t) for t in texts]  # Markdown rendered
    answers.last.scroll_into_view_if_needed()
    expect(page.locator("#chat-docs")).to_be_in_viewport(timeout=UI)  # the documents stay visible
    shot(page, "ui_chat", full_page=False)  # what the recruiter sees: sticky documents above the last answer

    page.reload()
    page.get_by_role("tab", name="Conversa").click()
    page.locator("#chat-sessions button").filter(has_text=title).click()
    expect(page.locator("#chat-messages .msg")).to_have_count(4, timeout=SLOW)
    expect(answers.last).not_to_be_empty(timeout=UI)
    assert shown(answers.last.inner_text()) == shown(texts[1])  # the same answer, rendered again from the history
    expect(docs).to_have_count(2, timeout=UI)


def test_jd_generate_edit_regenerate_and_rate(served, page, shot):
    base, _ = served
    open_ui(page, base)
    page.get_by_role("tab", name="Descrição de vaga").click()
    page.get_by_label("Título da vaga").fill("Desenvolvedor Java Sênior")
    page.get_by_label("Competências (separadas por vírgula)").fill("Java, Spring Boot, Kafka")
    page.get_by_label("Empresa", exact=True).fill("Atlântica Automotiva")
    page.get_by_label("Local").fill("Curitiba")
    page.get_by_label("Modelo de trabalho").select_option("hibrido")
    page.get_by_label("Salário mínimo").fill("12000")
    page.get_by_label("Salário máximo").fill("16000")
    page.get_by_label("Benefícios (separados por vírgula)").fill("Plano de saúde, Vale-refeição")
    page.get_by_role("button", name="Gerar descrição").click()

    section = lambda name: page.locator(f'.jd-section[data-section="{name}"]')  # noqa: E731
    expect(section("summary")).to_contain_text("Atlântica Automotiva", timeout=SLOW)
    expect(section("requirements")).to_contain_text("Kafka", timeout=UI)
    expect(section("benefits")).to_contain_text("Plano de saúde", timeout=UI)
    expect(section("salary")).to_contain_text("12.000", timeout=UI)

    edited = "Resumo escrito pela recrutadora: vaga para liderar a modernização dos sistemas."
    page.get_by_role("button", name="Editar Resumo").click()
    page.get_by_label("Texto da seção").fill(edited)
    page.get_by_role("button", name="Regenerar o restante mantendo esta seção").click()
    expect(section("summary").locator("p")).to_have_text(edited, timeout=SLOW)
    expect(section("summary").locator(".badge.edited")).to_be_visible(timeout=UI)
    expect(section("requirements")).to_contain_text("Kafka", timeout=UI)

    four = page.get_by_role("radio", name="4 de 5")
    four.click()  # the radio itself is the click target, not only its label
    expect(four).to_be_checked(timeout=UI)
    page.get_by_label("Comentário").fill("Boa base, ajustei o resumo.")
    page.get_by_role("button", name="Enviar avaliação").click()
    expect(page.locator("#jd-rating .status")).to_have_text("Obrigado! Avaliação 4/5 registrada.", timeout=SLOW)
    shot(page, "ui_jd")


def test_errors_are_readable_messages(served, page, tmp_path, hired_vaga):
    base, _ = served
    open_ui(page, base)
    page.get_by_label("Pergunta").fill("   ")
    page.get_by_role("button", name="Perguntar").click()
    alert = page.locator("#ask-form [role=alert]")
    expect(alert).to_have_text("'pergunta' está vazia: envie uma pergunta em texto.", timeout=SLOW)

    page.get_by_role("tab", name="Compatibilidade").click()
    bad = tmp_path / "cv.pdf"
    bad.write_bytes(b"this is not a PDF")
    page.get_by_label("CV do candidato").set_input_files(str(bad))
    page.get_by_role("button", name="Calcular compatibilidade").click()
    alert = page.locator("#match-form [role=alert]")
    expect(alert).to_have_text("Escolha uma vaga na lista (busque por título ou código).", timeout=UI)

    pick_vaga(page, "match-vaga", hired_vaga, hired_vaga)
    page.get_by_role("button", name="Calcular compatibilidade").click()
    api = httpx.post(
        f"{base}/match_file",
        files={"cv_file": ("cv.pdf", bad.read_bytes(), "application/pdf")},
        data={"vaga_id": json.dumps(hired_vaga)},
        timeout=60,
    )
    assert api.status_code == 400
    expect(alert).to_have_text(api_error(api), timeout=SLOW)
    assert "Traceback" not in page.locator("body").inner_text()


def test_with_an_api_key_the_page_asks_for_it_once(served, browser, tmp_path):
    """The static page loads without the key; data calls need it: the page asks, keeps it and sends it."""
    _, home = served
    key = "ui-s3cret"
    env = env_for(home, RECRUTA_API_KEY=key, RECRUTA_EMBEDDER="hash", RECRUTA_CHUNK_SIZE="600")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "serve.log", "w") as log:
        proc = subprocess.Popen(
            [str(BIN / "bentoml"), "serve", "service:Recruta", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_http(f"{base}/readyz", timeout=180, proc=proc)
            assert httpx.get(f"{base}/ui/", timeout=10).status_code == 200
            assert httpx.get(f"{base}/ui/static/main.js", timeout=10).status_code == 200
            for path in ("/ui/api/vagas?q=a", "/ui/api/record?id=vaga:1000"):
                assert httpx.get(f"{base}{path}", timeout=10).status_code == 401
            assert (
                httpx.get(f"{base}/ui/api/vagas", headers={"authorization": f"Bearer {key}"}, timeout=10).status_code
                == 200
            )

            context = browser.new_context(locale="pt-BR")
            page = context.new_page()
            page.goto(f"{base}/ui/")
            dialog = page.locator("#key-dialog")
            expect(dialog).to_be_visible(timeout=SLOW)
            page.get_by_label("Chave", exact=True).fill("wrong")
            page.get_by_role("button", name="Entrar").click()
            expect(page.locator("#key-reason")).to_have_text(
                "A chave informada não foi aceita. Tente de novo.", timeout=SLOW
            )
            page.get_by_label("Chave", exact=True).fill(key)
            page.get_by_role("button", name="Entrar").click()
            expect(page.locator("#model-info")).to_contain_text("Modelo em produção", timeout=SLOW)
            page.get_by_label("Pergunta").fill("analista")
            page.get_by_role("button", name="Perguntar").click()
            expect(page.locator("#ask-sources li").first).to_be_visible(timeout=SLOW)
            expect(dialog).to_be_hidden(timeout=UI)  # asked once: the key is kept for the tab
            context.close()
        finally:
            stop(proc)
    assert key not in (tmp_path / "serve.log").read_text()
