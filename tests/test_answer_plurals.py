"""Count and list answers agree with their number in pt, en and es: 1 takes the singular (noun, verb and the
criteria's participles: "Há 1 vaga do cliente X aberta em 2021"), 0 and 2 the plural. The singular forms are
catalogue data (``<key>_one`` in answers.json, picked by ``recruta.i18n.plural_key``), so every count kind's
sentence is rendered here with 0, 1 and 2 from made-up facts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from recruta.answer.phrasing import Phraser
from recruta.answer.plan import Filters
from recruta.i18n import catalogue, plural_key

VAGA = {
    "vaga_id": "1271",
    "title": "Dev Java",
    "client": "Horizonte",
    "city": "São Paulo",
    "state": "",
    "requested": "",
}
BASE = {"group_by": "", "op": "count", "rows": [], "n": 5}
PERSON = {"name": "Ana Lima", "code": "P1", "english": "", "matched": ["Java"]}

# the words that give a number's agreement away: the singular ones must not follow 0 or 2, the plural ones not 1
SINGULAR = {
    "pt": r"\b(vaga|candidatura|candidato|contratação|aberta|feita|pede|aprovada|foi|distinto|candidatou)\b",
    "en": r"\b(There is|job|application|candidate|hire|was)\b",
    "es": r"\b(vacante|postulación|candidato|contratación|abierta|hecha|pide|aprobada|fue|distinto|postuló)\b",
}
PLURAL = {
    "pt": r"\b(vagas|candidaturas|candidatos|contratações|abertas|feitas|pedem|aprovadas|foram|distintos|candidataram)\b",
    "en": r"\b(There are|jobs|applications|candidates|hires|were)\b",
    "es": r"\b(vacantes|postulaciones|candidatos|contrataciones|abiertas|hechas|piden|aprobadas|fueron|distintos|postularon)\b",
}


def sentences(lang: str, n: int) -> dict[str, str]:
    """Every count kind's sentence about ``n`` records (the number the sentence agrees with)."""
    p = Phraser(lang)
    vagas = Filters(client="Horizonte", year=2021, english="Fluente")
    out = {
        "vagas": p.count({**BASE, "measure": "vagas", "filters": vagas, "total": n}),
        "applications": p.count({**BASE, "measure": "applications", "filters": Filters(year=2021), "total": n}),
        "people": p.count({**BASE, "measure": "people", "filters": Filters(year=2021), "total": n}),
        "candidates": p.count({**BASE, "measure": "candidates", "filters": Filters(skills=("Java",)), "total": n}),
        "hires_same": p.count({**BASE, "measure": "hires", "filters": Filters(), "total": n, "people": n}),
        "applications_vaga": p.count(
            {**BASE, "measure": "applications", "filters": Filters(), "total": n, "vaga": VAGA}
        ),
        "applications_vaga_outcome": p.count(
            {
                **BASE,
                "measure": "applications",
                "filters": Filters(outcome="not_approved"),
                "total": n,
                "vaga": VAGA,
                "vaga_total": 9,
            }
        ),
        "field_applications": p.vaga_field({"vaga": VAGA, "field": "applications", "applications": n}),
        # "Nobody was hired for <vaga>: n applications…": the number's words follow the colon
        "hires_none": p.vaga_hires({"vaga": VAGA, "hires": [], "applications": n}).split(": ", 1)[1].split(",")[0],
    }
    if n:  # people hired more than once: the sentence agrees with the people, its hires are 3
        hires: dict[str, Any] = {**BASE, "measure": "hires", "filters": Filters(), "total": 3, "people": n}
        out["hires_people"] = p.count(hires)
        out["hires_total"] = p.count({**hires, "people_first": False}).split(", ", 1)[1]
        people = [PERSON] * n
        for relaxed in (False, True):
            found = {"filters": Filters(skills=("Java",)), "people": people, "total": n, "relaxed": relaxed}
            out[f"search_{relaxed}"] = p.search(found).splitlines()[0]
    return out


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
@pytest.mark.parametrize("n", [0, 1, 2])
def test_every_count_sentence_agrees_with_its_number(lang: str, n: int) -> None:
    wrong = PLURAL[lang] if n == 1 else SINGULAR[lang]
    vaga = Phraser(lang).vaga(VAGA)  # "a vaga 1271 (…)" is one vaga whatever the number
    for kind, text in sentences(lang, n).items():
        text = re.sub(r"\(.*?\)", "", re.sub(re.escape(vaga), "", text, flags=re.I))
        assert f"{n} " in text, (kind, text)
        assert not re.search(wrong, text), f"{lang} n={n} {kind}: {text!r}"


def test_the_trials_sentence_in_three_languages() -> None:
    flt = Filters(client="X", year=2021)
    facts = {**BASE, "measure": "vagas", "filters": flt, "total": 1}
    assert Phraser("pt").count(facts) == "Há 1 vaga do cliente X aberta em 2021 nos registros."
    assert Phraser("en").count(facts) == "There is 1 job of client X opened in 2021 in the records."
    assert Phraser("es").count(facts) == "Hay 1 vacante del cliente X abierta en 2021 en los registros."
    assert Phraser("pt").count({**facts, "total": 2}) == "Há 2 vagas do cliente X abertas em 2021 nos registros."


def test_a_hire_count_agrees_with_people_and_hires_apart() -> None:
    facts = {**BASE, "measure": "hires", "filters": Filters(), "total": 2, "people": 1}
    assert Phraser("pt").count(facts) == "1 candidato foi contratado (2 contratações)."
    assert Phraser("en").count({**facts, "people_first": False}) == "2 hires, of 1 candidate."


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_a_singular_form_is_only_chosen_for_one(lang: str) -> None:
    msgs = catalogue("answers")[lang]
    singular = [k for k in msgs if k.endswith("_one")]
    assert singular, "the catalogue has no singular forms"
    for key in singular:
        base = key.removesuffix("_one")
        assert base in msgs, f"{lang}.{key} has no plural {base}"
        assert plural_key(msgs, base, 1) == key
        assert plural_key(msgs, base, 0) == plural_key(msgs, base, 2) == base
