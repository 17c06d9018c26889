"""A question that names a client, place or title the records do not hold is told so first, in its language; only
then are the nearest vagas offered, as other clients' (recruta/answer/missing.py). Nothing of those other vagas is
stated as the asked one's (no English level, no hire). Facts are computed here from the raw JSON sample."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from recruta.answer.answerer import Answerer
from recruta.answer.table import build_table
from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import load_dataset
from recruta.rag.judge import says_no_answer

OTHERS = {
    "pt": "em outros clientes ou lugares",
    "en": "at other clients or places",
    "es": "en otros clientes o lugares",
}


@pytest.fixture(scope="module")
def vagas(small_data) -> dict[str, dict]:
    return {vid: v["informacoes_basicas"] for vid, v in json.loads((small_data / "vagas.json").read_text()).items()}


@pytest.fixture(scope="module")
def answerer(small_data, tmp_path_factory) -> Answerer:
    ds = load_dataset(small_data, hired_statuses=DEFAULT_HIRED)
    table: Path = build_table(ds, tmp_path_factory.mktemp("table") / "table.sqlite3")
    made = Answerer.load(table)
    assert made is not None
    return made


def first_sentence(text: str) -> str:
    return re.split(r"(?<=[.?!])\s", text, maxsplit=1)[0]


def shared_title(vagas: dict[str, dict]) -> tuple[str, list[str]]:
    """A title some vagas share (of different clients), and those vagas."""
    titles = Counter(b["titulo_vaga"] for b in vagas.values())
    title = next(t for t, n in titles.most_common() if n >= 2 and len({b["cliente"] for b in vagas.values()}) > 1)
    return title, sorted(vid for vid, b in vagas.items() if b["titulo_vaga"] == title)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Qual o nível de inglês exigido para a vaga de {title} da Acme Industrias?", "pt"),
        ("What English level does the {title} role at Acme Industrias need?", "en"),
        ("¿Qué nivel de inglés pide la vacante de {title} de Acme Industrias?", "es"),
        ("Quem foi contratado para a vaga de {title} da Acme Industrias?", "pt"),
        ("Who was hired for the {title} job at Acme Industrias?", "en"),
    ],
)
def test_a_client_not_on_file_is_said_first_then_other_clients_vagas(answerer, vagas, question, lang):
    title, ids = shared_title(vagas)
    got = answerer.answer(question.format(title=title), lang=lang)
    assert got is not None and got.kind == "not_on_file" and got.language == lang
    head = first_sentence(got.text)
    assert '"Acme Industrias"' in head and says_no_answer(head, lang), got.text
    # then the vagas with that title, clearly other clients', as sources; none of their facts stated as Acme's
    assert OTHERS[lang] in got.text and f'"{title}"' in got.text
    cited = {s["id"].split(":")[1] for s in got.sources}
    assert cited and cited <= set(ids) and all(f"{vid} (" in got.text for vid in cited)
    assert not re.search(r"\b(pede|requires?|needs?|pide|contratad[oa]s? foi|was hired)\b", got.text.casefold())


@pytest.mark.parametrize(
    ("question", "lang", "says"),
    [
        ("Qual o nível de inglês da vaga de {title} da {client}?", "pt", "do cliente {client}"),
        ("What English level does the {title} role at {client} need?", "en", "at client {client}"),
        ("¿Qué nivel de inglés pide la vacante de {title} de {client}?", "es", "del cliente {client}"),
    ],
)
def test_a_known_client_without_the_job_says_so_then_offers_it_elsewhere(answerer, vagas, question, lang, says):
    title, ids = shared_title(vagas)
    owners = {vagas[v]["cliente"] for v in ids}
    client = next(b["cliente"] for b in vagas.values() if b["cliente"] not in owners and " " in b["cliente"])
    got = answerer.answer(question.format(title=title, client=client), lang=lang)
    assert got is not None and got.kind == "no_vaga_described"
    head = first_sentence(got.text)
    assert says.format(client=client) in head and f'"{title}"' in head and says_no_answer(head, lang), got.text
    cited = {s["id"].split(":")[1] for s in got.sources}
    assert cited and cited <= set(ids) and OTHERS[lang] in got.text
    assert client not in got.text.split(head, 1)[1]  # the offered vagas are all other clients'


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Qual o nível de inglês da vaga de Astronauta Orbital?", "pt"),
        ("What English level does the Astronaut Orbital job need?", "en"),
        ("¿Quién fue contratado para la vacante de Astronauta Orbital?", "es"),
    ],
)
def test_a_title_nobody_has_is_said_to_be_missing(answerer, question, lang):
    got = answerer.answer(question, lang=lang)
    assert got is not None and got.kind == "not_on_file" and not got.sources
    assert "Orbital" in got.text and says_no_answer(got.text, lang), got.text


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Quais vagas a Acme Corp tem abertas?", "pt"),
        ("How many jobs did Acme Corp open?", "en"),
        ("¿Cuántas vacantes hay en Gotham City?", "es"),
        ("Quais clientes tiveram mais vagas em Gotham City?", "pt"),
    ],
)
def test_counts_and_lists_about_a_name_not_on_file_count_nothing_else(answerer, vagas, question, lang):
    got = answerer.answer(question, lang=lang)
    assert got is not None and got.kind == "not_on_file", got.text
    assert says_no_answer(got.text, lang) and str(len(vagas)) not in got.text and not got.sources


def test_words_that_only_frame_the_question_are_no_missing_name(answerer, vagas):
    """Capitalised words that are no name: a sentence's first word, a language, a month, a level."""
    client = next(iter(vagas.values()))["cliente"]
    for question, lang in (
        ("Which clients had the most open positions? Top 3", "en"),
        (f"How many jobs did {client} open in January 2020? Thanks", "en"),
        ("Quantas vagas Sênior pedem Inglês Fluente?", "pt"),
    ):
        got = answerer.answer(question, lang=lang)
        assert got is None or got.kind != "not_on_file", (question, got.text)


def test_a_title_word_no_title_holds_is_a_title_nobody_has_and_the_closest_are_called_so(answerer, vagas):
    """ "Desenvolvedor Kotlin Pleno": no title has Kotlin, so no vaga is that job; the vagas the other words describe
    are offered as the closest, not as matches. A level alone ("Astronauta Pleno") offers none."""
    title, ids = shared_title(vagas)
    words = title.split()
    asked = " ".join([words[0], "Quixotesco", *words[1:]])
    got = answerer.answer(f"Qual o nível de inglês da vaga de {asked}?", lang="pt")
    assert got is not None and got.kind == "not_on_file" and f'"{asked}"' in first_sentence(got.text), got.text
    assert "As vagas mais próximas:" in got.text and got.sources
    bare = answerer.answer("Qual o nível de inglês da vaga de Astronauta Pleno?", lang="pt")
    assert bare is not None and bare.kind == "not_on_file" and not bare.sources and "próximas" not in bare.text
