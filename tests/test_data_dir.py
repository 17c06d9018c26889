"""data/ holds exactly what the project's generator writes, so it can't drift from the code."""

import hashlib

from devtools import sample
from recruta.core.settings import DEFAULT_HIRED
from recruta.ingest.loaders import load_dataset
from recruta.rag import evalset
from tests.conftest import ROOT

DATA = ROOT / "data"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_committed_sample_is_the_generator_output(tmp_path):
    sample.generate(tmp_path, **sample.SCALES["sample"])
    for name in ("vagas.json", "applicants.json", "prospects.json"):
        assert digest(tmp_path / name) == digest(DATA / name), name
    items = evalset.build(load_dataset(tmp_path, hired_statuses=DEFAULT_HIRED))
    evalset.save(items, tmp_path / "evalset.jsonl")
    assert digest(tmp_path / "evalset.jsonl") == digest(DATA / "evalset.jsonl")


def test_evalset_references_are_answers_not_questions():
    items = evalset.load(DATA / "evalset.jsonl")
    assert len(items) >= 200
    assert {i.split for i in items} == {"dev", "test"}
    assert 0.15 < sum(i.split == "test" for i in items) / len(items) < 0.4
    assert len({i.kind for i in items}) >= 10
    for i in items:
        assert i.reference and i.reference != i.question and i.expected.get("type")
        # every answerable question names the records that support its answer; "the records do not hold it" and
        # "there is no such vaga/person" questions may have none
        assert i.record_ids or i.expected["type"] == "none"
