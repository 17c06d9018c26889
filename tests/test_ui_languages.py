"""The page and /match in the reader's language: headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) against the session's ``bentoml serve`` (``served``), one browser for the module.

Per language (pt, en, es): a browser set to it opens /ui, and every element the page words from its catalogue
shows that catalogue's text — no Portuguese left in en or es; then a match (a Portuguese CV and job, pasted) shows
its verdict, advice, sections and signal names in the page's language. The switch is remembered across reloads,
and the API itself answers in the language asked (field, Accept-Language) or in the CV's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx
import pytest

from recruta.i18n import message, messages
from recruta.screening.bands import band
from tests.test_i18n import CV_EN, CV_PT, JOB_EN, JOB_PT, page_wording

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
expect = sync_api.expect

pytestmark = [pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
SLOW = 60_000  # ms: a server call on a busy 2-core machine
UI = 10_000  # ms: something the page does by itself
LOCALES = {"pt": "pt-BR", "en": "en-US", "es": "es-ES"}
SECTIONS = ["experience", "education", "hard_skills", "soft_skills", "languages"]

# Every element the page words from its catalogue: its key, the attribute worded (None: its text), its fields.
RENDERED = """() => {
  const out = [];
  const fields = (node) => (node.dataset.i18nFields ? JSON.parse(node.dataset.i18nFields) : {});
  for (const node of document.querySelectorAll("[data-i18n]")) {
    out.push({ key: node.dataset.i18n, attr: null, fields: fields(node), value: node.textContent });
  }
  for (const attr of ["placeholder", "aria-label", "title"]) {
    for (const node of document.querySelectorAll(`[data-i18n-${attr}]`)) {
      out.push({ key: node.getAttribute(`data-i18n-${attr}`), attr, fields: fields(node), value: node.getAttribute(attr) });
    }
  }
  return out;
}"""
# Everything the page says before anyone uses it: every text node (hidden panels too) and every worded attribute.
ALL_TEXT = """() => [document.title, document.body.textContent,
  ...[...document.querySelectorAll("[placeholder], [aria-label], [title]")].flatMap((n) =>
    ["placeholder", "aria-label", "title"].map((a) => n.getAttribute(a) || ""))].join("\\n")"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not present (Debian's chromium package)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def new_page(browser: Browser, lang: str) -> tuple[Any, Page, list[str]]:
    """A browser context whose languages are ``lang``'s; the list collects JavaScript errors and outside fetches."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=LOCALES[lang])
    problems: list[str] = []

    def guard(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            problems.append(f"fetched {route.request.url}")
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if "page catalogue" in msg.text else None)
    return context, page, problems


def open_ui(page: Page, base: str) -> None:
    info = httpx.post(f"{base}/info", timeout=30).json()
    page.goto(f"{base}/ui")
    expect(page.locator("#model-info")).to_contain_text(f"v{info['registry_version']}", timeout=SLOW)


def portuguese_left(text: str, lang: str) -> list[str]:
    """The page catalogue's Portuguese sentences and labels (those another language words differently) in ``text``."""
    pt, other = messages("page", "pt"), messages("page", lang)
    found = []
    for key, value in pt.items():
        if value == other[key] or "{" in value or len(value) < 4:
            continue
        if re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text):
            found.append(f"{key}: {value}")
    return found


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_the_page_speaks_the_browsers_language_and_so_does_a_match(served, browser, lang):
    base, _ = served
    context, page, problems = new_page(browser, lang)
    try:
        open_ui(page, base)
        wording = messages("page", lang)
        assert page.evaluate("document.documentElement.lang") == {"pt": "pt-BR", "en": "en", "es": "es"}[lang]
        assert page.title() == wording["page.title"]
        expect(page.locator("#lang-switch")).to_have_value(lang)

        rendered = page.evaluate(RENDERED)
        wrong = [
            (r["key"], r["attr"], r["value"])
            for r in rendered
            if r["value"] != message("page", r["key"], lang, **r["fields"])
        ]
        assert not wrong, f"{lang}: elements not worded from the catalogue: {wrong[:10]}"
        keys = {r["key"] for r in rendered}
        static = page_wording().keys - {"footer.loading"}  # shown until /info answers, then the footer is built
        assert static <= keys, sorted(static - keys)
        assert {"picker.label", "picker.placeholder", "picker.none_chosen", "lang.pt", "lang.en", "lang.es"} <= keys
        if lang != "pt":
            assert not portuguese_left(page.evaluate(ALL_TEXT), lang)

        # a Portuguese CV and job, pasted: the page's language (its Accept-Language) words the result
        page.locator("#tab-match").click()
        page.locator('input[name="cv-source"][value="text"]').check()
        page.locator("#match-cv-text").fill(CV_PT)
        page.locator('input[name="job-source"][value="text"]').check()
        page.locator("#match-job-text").fill(JOB_PT)
        page.locator('#match-form button[type="submit"]').click()
        advice = page.locator("#match-advice li")
        expect(advice.last).to_have_text(message("screening", "advice.honest", lang), timeout=SLOW)
        study = message("screening", "advice.study", lang, skills="").rstrip(" .")
        expect(advice.filter(has_text=study)).to_have_count(1, timeout=UI)
        score = int(page.locator("#match-gauge .gauge-value").text_content() or "-1")
        verdict = message("screening", f"verdict.{band(score)}", lang)
        expect(page.locator("#match-verdict")).to_have_text(re.compile(rf"^{re.escape(verdict)}"), timeout=UI)
        sections = page.locator("#match-sections li")
        expect(sections).to_have_count(len(SECTIONS), timeout=UI)
        for n, name in enumerate(SECTIONS):
            assert wording[f"section.{name}"] in (sections.nth(n).text_content() or "")
        labels = page.locator("#match-chart .signal-label").all_text_contents()
        names = page.locator("#match-chart g.signal").evaluate_all("gs => gs.map((g) => g.dataset.signal)")
        assert labels == [wording[f"signal.{n}"] for n in names] and "languages" in names
        if lang != "pt":
            shown = page.locator("#match-result").evaluate("n => n.textContent")
            leftover = [
                w for w in ("Pontos fortes", "Principais lacunas", "Estudar ou", "pretensão", "vaga:") if w in shown
            ]
            assert not leftover, f"{lang}: Portuguese in the match result: {leftover}"
        assert not problems, problems
    finally:
        context.close()


def test_the_switch_words_the_page_at_once_and_is_remembered(served, browser):
    base, _ = served
    context, page, problems = new_page(browser, "en")
    try:
        open_ui(page, base)
        expect(page.locator("#tab-match")).to_have_text("Match")
        page.locator("#lang-switch").select_option("es")
        expect(page.locator("#tab-match")).to_have_text(message("page", "tab.match", "es"), timeout=UI)
        expect(page.locator("#match-vaga .picked")).to_have_text(message("page", "picker.none_chosen", "es"))
        expect(page.locator("#model-info")).to_contain_text(message("page", "footer.model", "es").strip(), timeout=SLOW)
        assert page.evaluate("document.documentElement.lang") == "es"
        page.reload()
        open_ui(page, base)
        expect(page.locator("#lang-switch")).to_have_value("es")
        expect(page.locator("#tab-jd")).to_have_text(message("page", "tab.jd", "es"))
        assert not portuguese_left(page.evaluate(ALL_TEXT), "es")
        assert not problems, problems
    finally:
        context.close()


def test_the_api_words_match_and_rank_in_the_language_asked_or_the_cvs(served):
    base, _ = served

    def match(headers: dict[str, str] | None = None, **body: Any) -> dict[str, Any]:
        r = httpx.post(f"{base}/match", json=body, headers=headers or {}, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    honest = {lang: message("screening", "advice.honest", lang) for lang in ("pt", "en", "es", "ru")}
    assert match(cv_text=CV_EN, job_text=JOB_PT)["advice"][-1] == honest["en"]  # none asked: the CV's
    assert match(cv_text=CV_PT, job_text=JOB_EN)["advice"][-1] == honest["pt"]
    assert match({"Accept-Language": "es-ES,es;q=0.9"}, cv_text=CV_EN, job_text=JOB_EN)["advice"][-1] == honest["es"]
    ru = match({"Accept-Language": "es"}, cv_text=CV_EN, job_text=JOB_EN, language="ru")  # the field wins
    assert ru["advice"][-1] == honest["ru"] and re.search("[а-я]", ru["signals"]["skills"]["detail"])
    file = httpx.post(
        f"{base}/match_file",
        files={"cv_file": ("cv.txt", CV_PT.encode(), "text/plain")},
        data={"job_text": json.dumps(JOB_PT), "language": json.dumps("en")},
        timeout=60,
    ).json()
    assert file["advice"][-1] == honest["en"]
    ranked = httpx.post(f"{base}/rank", json={"job_text": JOB_EN, "cvs": [CV_PT]}, timeout=60).json()
    top = ranked["candidates"][0]
    assert top["verdict"].startswith(message("screening", f"verdict.{band(top['score'])}", "en"))  # the job's
    ranked = httpx.post(
        f"{base}/rank", json={"job_text": JOB_EN, "cvs": [CV_PT]}, headers={"Accept-Language": "ru"}, timeout=60
    ).json()
    top = ranked["candidates"][0]
    assert top["verdict"].startswith(message("screening", f"verdict.{band(top['score'])}", "ru"))
    suggested = httpx.post(
        f"{base}/suggest_vagas", json={"cv_text": CV_PT, "limit": 3}, headers={"Accept-Language": "en"}, timeout=60
    ).json()["vagas"]
    assert suggested and all(
        v["verdict"].startswith(message("screening", f"verdict.{band(v['score'])}", "en")) for v in suggested
    )
    bad = httpx.post(f"{base}/match", json={"cv_text": CV_EN, "job_text": JOB_EN, "language": "de"}, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "language"


def test_the_chat_summary_follows_accept_language_else_the_cv(served):
    base, _ = served
    files = {
        "cv": ("cv.txt", CV_PT.encode(), "text/plain"),
        "job_description": ("job.txt", JOB_EN.encode(), "text/plain"),
    }
    english = httpx.post(f"{base}/chat/sessions", files=files, headers={"Accept-Language": "en-US"}, timeout=60)
    assert english.status_code == 200, english.text
    assert english.json()["summary"].startswith(message("chat", "summary.heading", "en"))
    own = httpx.post(f"{base}/chat/sessions", files=files, timeout=60).json()  # no header: the CV's (Portuguese)
    assert own["summary"].startswith(message("chat", "summary.heading", "pt"))
    added = httpx.post(
        f"{base}/chat/documents",
        files={"file": ("letter.txt", b"Recomendo a candidata pelo trabalho em equipe.", "text/plain")},
        data={"session_id": json.dumps(own["session_id"]), "kind": json.dumps("recommendation")},
        headers={"Accept-Language": "es"},
        timeout=60,
    ).json()
    assert added["summary"].startswith(message("chat", "summary.heading", "es"))
    assert added["messages"][-1]["role"] == "event" and added["messages"][-1]["content"] == message(
        "chat", "event.added", "es", kind=message("chat", "label.recommendation", "es"), filename="letter.txt"
    )
    for sid in (english.json()["session_id"], own["session_id"]):
        httpx.post(f"{base}/chat/delete", json={"session_id": sid}, timeout=30)
