"""Questions about people (who was hired, where an applicant stands, a candidate by name, two candidates compared)
phrased the many ways recruiters ask — our own paraphrases (``tests/data/people_paraphrases.json``), not the
evaluation set's templates — answered from the project's sample ``data/`` and judged like the benchmark judges.

The expected answers are not written here: each template's slots are filled from the records by the evaluation
set's fillers (``recruta.rag.evalset``), which compute the exact answer from the raw records; the answerer runs on
the records table with the fake (hash) embedder, as the agent would.

    .venv/bin/python tests/test_people_paraphrases.py      # accuracy per kind and language, and what is wrong
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from tests import people_asking  # noqa: E402 (after the path: script runs)

PARAPHRASES = ROOT / "tests" / "data" / "people_paraphrases.json"
DATA = ROOT / "data"


def templates() -> list[Any]:
    from recruta.rag.evalset.templates import Template

    data = json.loads(PARAPHRASES.read_text(encoding="utf-8"))
    return [
        Template(**t)
        for batch in ("templates", "written_after_fixes", "third_batch", *gen_batches(data))
        for t in data.get(batch, [])
    ]


def gen_batches(data: dict[str, Any]) -> list[str]:
    """The later batches (``gen_batch1``, ``gen_batch2``…), in the order they were written."""
    return sorted((k for k in data if k.startswith("gen_batch")), key=lambda k: int(k.removeprefix("gen_batch")))


def template_id(t: Any) -> str:
    return f"{t.kind}-{t.lang}-{t.id}"


def items_of(t: Any) -> list[Any]:
    return people_asking.fill(t, DATA)


def ask(item: Any) -> tuple[str, Any]:
    return people_asking.ask(DATA, item)


def test_the_paraphrase_set_covers_the_four_kinds_in_three_languages():
    ts = templates()
    kinds = Counter(t.kind for t in ts)
    assert len(ts) >= 45 and set(kinds) == {"hired", "application_status", "candidate_by_name", "compare"}
    assert min(kinds.values()) >= 10
    langs = Counter(t.lang for t in ts)
    assert set(langs) == {"pt", "en", "es"} and min(langs.values()) >= len(ts) // 4
    assert len({t.text for t in ts}) == len(ts)
    from recruta.rag.evalset.templates import project_templates

    assert not {t.text for t in ts} & {t.text for t in project_templates()}  # our own phrasings, not the set's


@pytest.mark.parametrize("t", templates(), ids=template_id)
def test_each_paraphrase_is_answered_right(t):
    items = items_of(t)
    assert items, f"the records fill no question for {t.text!r}"
    wrong = people_asking.wrong_answers((item, *ask(item)) for item in items)
    assert not wrong, "\n".join(wrong)


def test_a_question_for_a_person_of_a_vaga_is_its_hire_only_when_nothing_else_is_asked():
    """The rule that reads "a vaga de X foi fechada com quem?" as who was hired must leave the other who-questions
    about a vaga to their own intents."""
    facts, _ = people_asking.facts_and_names(DATA)
    job = next(
        j
        for j in sorted(facts.vagas, key=lambda j: j.id)
        if j.hires and [m.id for m in facts.jobs_matching(titulo=j.titulo, cliente=j.cliente)] == [j.id]
    )
    where = f"a vaga de {job.titulo} da {job.cliente}"
    planner = people_asking.answerer(DATA).planner
    for question, intent in (
        (f"Com quem foi fechada {where}?", "vaga_hires"),
        (f"¿Quién se llevó el puesto de {job.titulo} de {job.cliente}?", "vaga_hires"),
        (f"Who took the {job.titulo} job at {job.cliente}?", "vaga_hires"),
        (f"Quem se candidatou à {where}?", "count"),
        (f"Who are the applicants for the {job.titulo} job at {job.cliente}?", "count"),
        (f"Quem é o analista responsável pel{where[1:]}?", "vaga_field"),
        (f"Who opened the {job.titulo} job at {job.cliente}?", "vaga_field"),
        (f"Quem poderia ocupar {where}?", "vaga_field"),
        (f"Quem foi entrevistado para {where}?", "vaga_field"),
        (f"Quem tem experiência em Java para a vaga de {job.titulo}?", "candidate_search"),
    ):
        assert planner.plan(question)[0].intent == intent, question


def test_a_surname_that_is_a_personal_data_word_asks_nothing_private(tmp_path):
    """The surname "Nascimento" is also a birth date word: in a name, written with an honorific and a particle
    ("Dra. Mariana do Nascimento"), it asks nothing private."""
    from recruta.answer.planner import Planner

    name = "Dra. Mariana do Nascimento"
    prospects = dict(list(json.loads((DATA / "prospects.json").read_text(encoding="utf-8")).items())[:10])
    codes = {p["codigo"] for vaga in prospects.values() for p in vaga["prospects"]}
    applicants = {
        c: a for c, a in json.loads((DATA / "applicants.json").read_text(encoding="utf-8")).items() if c in codes
    }
    code = next(c for vaga in prospects.values() for c in (p["codigo"] for p in vaga["prospects"]) if c in applicants)
    applicants[code]["infos_basicas"]["nome"] = name
    for vaga in prospects.values():
        for p in vaga["prospects"]:
            p["nome"] = name if p["codigo"] == code else p["nome"]
    (tmp_path / "applicants.json").write_text(json.dumps(applicants, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "prospects.json").write_text(json.dumps(prospects, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "vagas.json").write_text((DATA / "vagas.json").read_text(encoding="utf-8"), encoding="utf-8")
    from recruta.answer.answerer import Answerer
    from recruta.answer.table import RecordsTable, build_table
    from recruta.core.settings import DEFAULT_HIRED
    from recruta.ingest.loaders import load_dataset

    table = build_table(load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED), tmp_path / "table.sqlite3")
    planner: Planner = Answerer(RecordsTable.load(table)).planner
    for question in (f"Em que pé está o processo de {name}?", "How far did Mariana do Nascimento get?"):
        assert planner.plan(question)[0].intent == "applicant_status", question
    assert planner.plan(f"Qual a data de nascimento de {name}?")[0].reason == "private"


def main(argv: list[str] | None = None) -> int:
    """Accuracy per kind and language on the paraphrase set, and the wrong answers (``--data-dir DIR``: on other
    records, e.g. the real slices in ../shared/data/decision)."""
    global DATA
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--data-dir"]:
        DATA = Path(args[1])
    people_asking.report((item, *ask(item), DATA.name) for t in templates() for item in items_of(t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
