"""Explainable, deterministic facts from CV and job texts (Portuguese, English, Spanish, Russian).

Everything here is pure Python (``re`` + JSON tables) so a match score built on it can say *why*: every
skill comes with the exact quote and offset it was found at. One module per extractor; this package
re-exports their public API (``from recruta import facts as sk; sk.extract_skills(...)``):

- :mod:`.taxonomy` — the skills taxonomy (``skills_taxonomy.json``): loading, validation, alias index.
- :mod:`.skills` — :func:`extract_skills` (canonical skills with :class:`Evidence`, implied parents included).
- :mod:`.job_requirements` — :func:`requirements`, a job's requirement lines; :func:`job_lines` (every line of a
  job with its kind: requirement, responsibility, title, company, benefits…) and :func:`job_skills` (the skills a
  job asks for, each with the line that names it — not its title's, company's or sector's).
- :mod:`.skill_use` — :func:`shown_skills`, the skills a CV shows in a line of work rather than only lists.
- :mod:`.kind` — :func:`looks_like_job`: job or CV (facts that mean "required minimum" vs "highest reached").
- :mod:`.languages` — :func:`language_levels`; :mod:`.experience` — :func:`years_of_experience`;
  :mod:`.titles` — :func:`seniority`; :mod:`.education` — :func:`education_level`;
  :mod:`.location` — :func:`locations`; :mod:`.pay` — :func:`salary`;
  :mod:`.electrical` — :func:`electrical_safety_group`.
- :mod:`.tables` — the word tables in ``data/*.json`` and :data:`LEVELS`, the scales the extractors answer on.

Matching is case-insensitive and accent-insensitive for Latin scripts; the text is folded character by
character (same length, :func:`recruta.text.fold.fold`), so offsets found in the folded text are offsets in
the original and quotes are exact substrings. Russian inflection is handled by stems (``продаж*``).
:func:`fold` and :func:`detect_language` are re-exported for the callers that read facts with them.
"""

from __future__ import annotations

from pathlib import Path

from recruta.facts.education import education_level
from recruta.facts.electrical import electrical_safety_group
from recruta.facts.experience import date_ranges, years_of_experience
from recruta.facts.job_requirements import JobLine, JobSkill, job_lines, job_skills, requirement_lines, requirements
from recruta.facts.kind import looks_like_job
from recruta.facts.languages import language_levels
from recruta.facts.location import locations, nearness, region
from recruta.facts.pay import salary
from recruta.facts.skill_use import SkillUse, shown_skills, skill_use
from recruta.facts.skills import Evidence, extract_skills, skill_mentions
from recruta.facts.tables import LEVELS
from recruta.facts.taxonomy import CATEGORIES, TAXONOMY_PATH, Skill, Taxonomy, load_taxonomy
from recruta.facts.titles import seniority
from recruta.text.fold import fold
from recruta.text.language import detect_language

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "TAXONOMY_PATH",
    "Evidence",
    "JobLine",
    "JobSkill",
    "Skill",
    "SkillUse",
    "Taxonomy",
    "date_ranges",
    "detect_language",
    "education_level",
    "electrical_safety_group",
    "extract_skills",
    "fold",
    "job_lines",
    "job_skills",
    "language_levels",
    "load_taxonomy",
    "locations",
    "nearness",
    "region",
    "looks_like_job",
    "requirement_lines",
    "requirements",
    "salary",
    "seniority",
    "shown_skills",
    "skill_mentions",
    "skill_use",
    "source_files",
    "years_of_experience",
]


def source_files() -> list[Path]:
    """Every module and data file the extractors are built from, sorted: what a cache of extracted facts
    (the matcher's CV profiles) must hash so that a change anywhere in them drops it."""
    root = Path(__file__).parent
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".json"))
