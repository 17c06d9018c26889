"""The planner's cue vocabularies (pt/en/es), compiled once: the words live in ``cues.json`` as data.

Both halves of planning read them: :mod:`~recruta.answer.parsing` drops cue words from a vaga description and
:mod:`~recruta.answer.planner`'s rules fire on them. Keeping the compiled patterns here lets either side change
without the other, and lets tests match a cue (``PRIVATE``) without building a planner.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from recruta.answer.entities import lexicon
from recruta.text.fold import STOPWORDS

CUES_PATH = Path(__file__).with_name("cues.json")


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


@lru_cache(maxsize=1)
def cues() -> dict[str, Any]:
    """The planner's cue vocabularies (pt/en/es) as data: ``recruta/answer/cues.json``."""
    data: dict[str, Any] = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return data


def _named(key: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, _rx(*alts)) for name, alts in cues()[key])


# Cues, matched in the folded question (lowercase, no accents); the words are in cues.json.
PRIVATE = _rx(*cues()["rx"]["private"])
NOT_HELD = _rx(*cues()["rx"]["not_held"])
HIRE = _rx(*cues()["rx"]["hire"])
HIRE_NOUN = _rx(*cues()["rx"]["hire_noun"])
# "quem for contratado como X", "whoever gets hired", "o profissional que entrar": a hire to come, which describes
# the job rather than asking who was hired
HIRE_TO_COME = _rx(*cues()["rx"]["hire_to_come"])
HIRED = _rx(*cues()["rx"]["hired"])
COUNT = _rx(*cues()["rx"]["count"])
RANK = _rx(*cues()["rx"]["rank"])
# a question that opens with a plural of what is counted asks for its count ("Vacancies opened by X in 2024?")
NOMINAL_COUNT = re.compile(r"^\W*(?:" + "|".join(cues()["rx"]["nominal_count"]) + r")\b")
COMPARE = _rx(*cues()["rx"]["compare"])
STATUS = _rx(*cues()["rx"]["status"])
STATUS_STRONG = _rx(*cues()["rx"]["status_strong"])
SEARCH = _rx(*cues()["rx"]["search"])
PERSON_ASK = _rx(*cues()["rx"]["person_ask"])
PERSON_WORDS = _rx(*cues()["rx"]["person_words"])
AGENT_PLURALS = _rx(*cues()["rx"]["agent_plurals"])  # "Java developers with…": people, when no vaga is named
VAGA_LIST = _rx(*cues()["rx"]["vaga_list"])
APPLIED = _rx(*cues()["rx"]["applied"])
DISTINCT = _rx(*cues()["rx"]["distinct"])
APPLICATION_WORDS = _rx(*cues()["rx"]["application_words"])
VAGA_WORDS = _rx(*cues()["rx"]["vaga_words"])
VAGA_APPS = _rx(*cues()["rx"]["vaga_apps"])
CONTRACT = _rx(*cues()["rx"]["contract"])
PEOPLE_COUNTED = _rx(*cues()["rx"]["people_counted"])  # "how many candidates were hired": people, then hires
OPENED = _rx(*cues()["rx"]["opened"])  # "aberta em maio de 2019": the date is the vaga's, not the hire's
WHO_ASK = _rx(*cues()["rx"]["who_ask"])  # "quem", "which candidate", "cuál de": a question that asks for a person
WHO_NOT_HIRE = _rx(*cues()["rx"]["who_not_hire"])  # "who was interviewed", "who could fill": not the hire
PAY = _rx(*cues()["rx"]["pay"])  # what a job pays: not in the records; what a person earns: personal data
STATUS_GENERIC = frozenset(cues()["status_generic"])  # status words that also ask where someone lives
OUTCOME_CUES = _named("outcomes")
BY = str(cues()["by"])
GROUP_NOUNS: tuple[tuple[str, str], ...] = tuple((name, nouns) for name, nouns in cues()["group_nouns"])
FIELD_CUES = _named("field_cues")
CANDIDATE_CUES = _named("candidate_cues")
STAFF_NOUN = re.compile(cues()["staff_noun"])
# Words that frame a question and are never part of a vaga description.
FRAME = frozenset(STOPWORDS | set(lexicon()["frame_words"]))


__all__ = [
    "AGENT_PLURALS",
    "APPLICATION_WORDS",
    "APPLIED",
    "BY",
    "CANDIDATE_CUES",
    "COMPARE",
    "CONTRACT",
    "COUNT",
    "CUES_PATH",
    "DISTINCT",
    "FIELD_CUES",
    "FRAME",
    "GROUP_NOUNS",
    "HIRE",
    "HIRED",
    "HIRE_NOUN",
    "HIRE_TO_COME",
    "NOT_HELD",
    "OPENED",
    "NOMINAL_COUNT",
    "OUTCOME_CUES",
    "PERSON_ASK",
    "PAY",
    "PEOPLE_COUNTED",
    "PERSON_WORDS",
    "PRIVATE",
    "RANK",
    "SEARCH",
    "STAFF_NOUN",
    "STATUS",
    "STATUS_GENERIC",
    "STATUS_STRONG",
    "VAGA_APPS",
    "VAGA_LIST",
    "VAGA_WORDS",
    "WHO_ASK",
    "WHO_NOT_HIRE",
    "cues",
]
