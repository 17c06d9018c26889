"""Message catalogues (recruta/i18n/catalogues/*.json) and the wording that follows the request's language.

Every catalogue speaks the same keys with the same ``{fields}`` in every language; the page's catalogue covers
every label of the page (index.html holds no wording of its own) and every key the scripts ask for; /match's
advice, verdict and signal details come out in pt, en, es and ru with no Portuguese left in the others.
"""

from __future__ import annotations

import json
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from recruta.i18n import CATALOGUES, catalogue, message, messages
from recruta.screening.bands import band
from recruta.screening.matching import match, profile
from recruta.web.app import PAGE_LANGUAGES, STATIC, create_app

AREAS = sorted(p.stem for p in CATALOGUES.glob("*.json"))
# The languages each catalogue must speak: the API's areas Russian too (/match and /rank, error messages).
EXPECTED = {area: {"pt", "en", "es"} for area in AREAS} | {
    "screening": {"pt", "en", "es", "ru"},
    "advice": {"pt", "en", "es", "ru"},  # /match advice, like the rest of /match, in ru too
    "api": {"pt", "en", "es", "ru"},
}
# answers.json translates the Decision data's own Portuguese values ("value.sênior" → "senior"): Portuguese needs
# no entry for them (the value is already its own wording).
DATA_VALUES = {"answers": "value."}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_area_is_checked():
    assert {"api", "chat", "jd", "page", "screening"} <= set(AREAS)


@pytest.mark.parametrize("area", AREAS)
def test_every_catalogue_has_the_same_keys_in_every_language(area):
    cat = catalogue(area)
    assert set(cat) == EXPECTED[area], f"{area}: languages {sorted(cat)}"
    skip = DATA_VALUES.get(area)
    keys = {lang: {k for k in msgs if not (skip and k.startswith(skip))} for lang, msgs in cat.items()}
    for lang, have in keys.items():
        assert have == keys["pt"], (
            f"{area}.{lang}: missing {sorted(keys['pt'] - have)}, extra {sorted(have - keys['pt'])}"
        )
    if skip:  # the data values: the same ones in every language that has them
        values = {lang: {k for k in msgs if k.startswith(skip)} for lang, msgs in cat.items() if lang != "pt"}
        assert len({frozenset(v) for v in values.values()}) == 1, f"{area}: {skip}* differ between languages"


@pytest.mark.parametrize("area", AREAS)
def test_placeholders_agree_between_languages(area):
    cat = catalogue(area)
    for key in set().union(*cat.values()):
        found = {lang: fields(msgs[key]) for lang, msgs in cat.items() if key in msgs}
        assert len({frozenset(f) for f in found.values()}) == 1, f"{area}.{key}: {found}"
        for lang, msgs in cat.items():
            if key in msgs:
                assert msgs[key].strip(), f"{area}.{lang}.{key} is blank"


# --------------------------------------------------------------------------- the page
class _Wording(HTMLParser):
    """index.html's text nodes and its data-i18n* keys."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.keys: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("data-i18n") and name != "data-i18n-fields" and value:
                self.keys.add(value)

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(data.strip())


def page_wording() -> _Wording:
    parser = _Wording()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def test_the_page_has_no_wording_of_its_own():
    """Every word a reader sees comes from the catalogue: index.html only holds keys (and the product's name)."""
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert page_wording().text and set(page_wording().text) <= {"recruta", "r", "#", "×", "1", "2", "3", "4", "5"}
    for attr in ("placeholder", "aria-label", "title"):
        for value in re.findall(rf'\s{attr}="([^"]*)"', html):
            # examples that are the same in every language: skill names and a city
            assert value in ("Java, Spring Boot, Kafka", "Kubernetes, AWS", "Curitiba"), f'{attr}="{value}"'


def script_keys() -> tuple[set[str], set[str], set[str]]:
    """(keys the scripts word with t("key") or mark with data-i18n*, every "a.b" string they hold, prefixes of the
    keys they build: t(`signal.${name}`))."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in STATIC.glob("*.js"))
    asked = set(re.findall(r"""\bt\(\s*["']([\w.]+)["']""", code))
    asked |= set(re.findall(r"""["']data-i18n[\w-]*["']\s*:\s*["']([\w.]+)["']""", code))
    mentioned = set(re.findall(r"""["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""", code))
    prefixes = set(re.findall(r"""`([a-z_]+(?:\.[a-z_]+)*\.)\$\{""", code))
    return asked, mentioned, prefixes


def test_every_key_the_page_uses_is_in_the_catalogue_and_every_key_is_used():
    keys = set(catalogue("page")["pt"])
    html = page_wording().keys
    asked, mentioned, prefixes = script_keys()
    assert len(asked) > 80 and len(prefixes) >= 8  # the extraction itself works
    assert html - keys == set(), f"index.html keys missing from page.json: {sorted(html - keys)}"
    assert asked - keys == set(), f"script keys missing from page.json: {sorted(asked - keys)}"
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in keys), f"no page.json key starts with {prefix!r}"
    unused = {k for k in keys - html - mentioned if not any(k.startswith(p) for p in prefixes)}
    assert not unused, f"page.json keys nothing uses: {sorted(unused)}"


def test_the_page_catalogue_is_served_whole_without_the_index():
    client = TestClient(create_app(lambda: None))
    r = client.get("/static/i18n.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == set(PAGE_LANGUAGES) == {"pt", "en", "es"}
    for lang in PAGE_LANGUAGES:
        assert body[lang] == messages("page", lang)
    assert body["en"]["tab.match"] == "Match" and body["es"]["tab.match"] == "Compatibilidad"


# --------------------------------------------------------------------------- /match's wording
JOB_EN = """Senior Python Developer
Requirements:
- Python and Django
- Docker and Kubernetes
- Advanced English and intermediate Spanish
- Bachelor's degree in computer science
- 5 years of experience
Location: São Paulo
Salary: R$ 10,000"""
CV_EN = """Data analyst living in Curitiba.
Experience: 2 years using Python to automate reports for the finance team.
Education: high school.
Languages: English basic.
Salary expectation: R$ 12,000"""
JOB_PT = """Desenvolvedor Python Sênior
Requisitos:
- Python e Django
- Docker e Kubernetes
- Inglês avançado e espanhol intermediário
- Ensino superior completo em computação
- 5 anos de experiência
Local: São Paulo
Salário: R$ 10.000"""
CV_PT = """Analista de dados, mora em Curitiba.
Experiência: 2 anos usando Python para automatizar relatórios da equipe financeira.
Formação: ensino médio.
Idiomas: inglês básico.
Pretensão salarial: R$ 12.000"""

WORD = re.compile(r"[^\W\d_]{4,}")


def wording(result) -> str:
    return "\n".join([result.verdict, *result.advice, *(s["detail"] for s in result.signals.values())])


def words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text)}


@pytest.mark.parametrize("lang", ["pt", "en", "es", "ru"])
def test_match_speaks_the_language_asked_with_no_portuguese_left(lang):
    cv, job = profile(CV_EN, is_job=False), profile(JOB_EN, is_job=True)
    result = match(cv, job, embedder=None, lang=lang)
    assert set(result.signals) >= {"skills", "lexical", "experience", "languages", "education", "location", "salary"}
    assert result.verdict.startswith(message("screening", f"verdict.{band(result.score)}", lang))
    assert result.advice[-1] == message("screening", "advice.honest", lang)
    assert any(a.startswith(message("screening", "advice.study", lang, skills="")[:12]) for a in result.advice)
    if lang == "pt":
        return
    # Words only the Portuguese catalogue uses (and neither input text has) never appear in another language.
    pt_only = words(" ".join(catalogue("screening")["pt"].values())) - words(
        " ".join(catalogue("screening")[lang].values())
    )
    leftover = (words(wording(result)) & pt_only) - words(CV_EN + JOB_EN)
    assert not leftover, f"{lang}: Portuguese words in the wording: {sorted(leftover)}"
    if lang == "ru":
        assert all(re.search(r"[а-я]", line) for line in wording(result).splitlines())


def test_without_a_language_the_wording_is_the_cvs():
    en = match(profile(CV_EN, is_job=False), profile(JOB_PT, is_job=True), embedder=None)
    pt = match(profile(CV_PT, is_job=False), profile(JOB_EN, is_job=True), embedder=None)
    assert en.advice[-1] == message("screening", "advice.honest", "en")
    assert pt.advice[-1] == message("screening", "advice.honest", "pt")
    assert en.score == match(profile(CV_EN, is_job=False), profile(JOB_PT, is_job=True), embedder=None, lang="pt").score


def test_numbers_follow_the_language():
    cv, job = profile(CV_EN, is_job=False), profile(JOB_EN, is_job=True)
    details = {lang: match(cv, job, embedder=None, lang=lang).signals["salary"]["detail"] for lang in ("pt", "en")}
    assert "12.000" in details["pt"] and "12,000" in details["en"]


def test_rank_of_pasted_cvs_speaks_the_jobs_language_or_the_one_asked():
    from recruta.screening.screener import Screener

    screener = Screener(store=None, embedder=None)
    ranked = screener.rank(job_text=JOB_EN, cvs=[CV_PT, CV_EN])
    assert all(
        r["verdict"].startswith(message("screening", f"verdict.{band(r['score'])}", "en")) for r in ranked["candidates"]
    )
    ranked = screener.rank(job_text=JOB_EN, cvs=[CV_PT], language="ru")
    assert ranked["candidates"][0]["verdict"].startswith(
        message("screening", f"verdict.{band(ranked['candidates'][0]['score'])}", "ru")
    )


def test_catalogue_files_are_valid_json_objects_of_strings():
    for path in CATALOGUES.glob("*.json"):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        assert all(isinstance(v, str) for msgs in data.values() for v in msgs.values()), path.name


def test_the_chat_summary_speaks_the_language_asked_else_the_cvs():
    from recruta.chat.profiles import Analyst
    from recruta.chat.summary import summarise

    analyst = Analyst(embedder=None)
    texts = {"cv": CV_PT, "job_description": JOB_EN}
    heading = {lang: message("chat", "summary.heading", lang) for lang in ("pt", "en", "es")}
    assert summarise(texts, analyst=analyst).startswith(heading["pt"])
    assert summarise({"cv": CV_EN}, analyst=analyst).startswith(heading["en"])
    english = summarise(texts, analyst=analyst, lang="en")
    assert english.startswith(heading["en"]) and message("chat", "fit.heading", "en") in english
    assert summarise(texts, analyst=analyst, lang="es").startswith(heading["es"])
    assert summarise(texts, analyst=analyst, lang="ru").startswith(heading["pt"])  # no Russian chat catalogue: the CV's


def test_a_chat_fit_answer_words_the_gaps_in_the_answers_language():
    from recruta.chat.fit import fit_answer
    from recruta.chat.profiles import Analyst

    documents = {"cv": CV_PT, "job_description": JOB_PT}
    english = fit_answer(documents, lang="en", analyst=Analyst(embedder=None)).answer
    assert "English: CV basic, job advanced" in english and "inglês: CV básico" not in english
    portuguese = fit_answer(documents, lang="pt", analyst=Analyst(embedder=None)).answer
    assert "inglês: CV básico, vaga avançado" in portuguese
