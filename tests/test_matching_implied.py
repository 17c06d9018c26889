"""Skills a CV's framework or tool implies (the taxonomy's ``implies``: Django → Python and backend, Spring → Java and
backend, React → JavaScript and frontend) are credited in a match, quoted as implied, and counted once."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruta.facts.skills import extract_skills
from recruta.facts.taxonomy import load_taxonomy
from recruta.screening.matching import match, profile

JOB = """Backend Developer
Requirements:
- Experience in backend development
- {language}
- Nice to have: {other}"""

CV = """Software developer
Experience
2019-2024 Acme Ltd - {framework} developer: built REST services and reports with {framework} for the finance team.
Education: BSc in Computer Science"""


def run(cv: str, job: str, lang: str = "en"):
    return match(profile(cv, is_job=False), profile(job, is_job=True), embedder=None, lang=lang)


@pytest.mark.parametrize(
    ("framework", "language", "area"),
    [("Django", "python", "backend"), ("Spring", "java", "backend"), ("React", "javascript", "frontend")],
)
def test_a_framework_credits_the_language_and_area_it_implies_with_its_own_words(framework, language, area):
    job = f"Developer\nRequirements:\n- Experience in {area} development\n- {language.title()}\n- Docker"
    got = run(CV.format(framework=framework), job)
    strengths = {s["skill"]: s for s in got.strengths}
    for skill in (language, area):
        assert strengths[skill]["evidence"] == framework  # the CV's own words, exact
        assert strengths[skill]["implied_by"] == framework.casefold() and strengths[skill]["shown"] == "work"
    assert {g["skill"] for g in got.gaps if g["skill"]} == {"docker"}  # what nothing implies is still a gap


def test_the_page_says_the_quote_implies_the_skill_in_every_language():
    from recruta.i18n import messages

    for lang, word in (("pt", "implica"), ("en", "implies"), ("es", "implica")):
        said = messages("page", lang)["match.quote_cv_implied"].format(text="Django", skill="python")
        assert said.endswith(f"“Django” ({word} python)")
    ui = (Path(__file__).parents[1] / "recruta/web/static/ui.js").read_text()
    assert "implied_by" in ui and "match.quote_cv_implied" in ui


def test_a_skill_named_and_implied_is_counted_once_and_quoted_where_named():
    cv = CV.format(framework="Django").replace("for the finance team.", "for the finance team, in Python 3.")
    got = run(cv, JOB.format(language="Python", other="Rust"))
    python = [s for s in got.strengths if s["skill"] == "python"]
    assert len(python) == 1 and python[0]["evidence"] == "Python" and "implied_by" not in python[0]
    skills = [s["skill"] for s in got.strengths]
    assert sorted(skills) == ["backend", "python"] and [g["skill"] for g in got.gaps if g["skill"]] == ["rust"]
    assert got.signals["skills"]["detail"].startswith("2 of 3 ")
    found = extract_skills("Django, then Python")
    assert found["python"].quote == "Python" and found["python"].implied_by is None


def test_a_job_that_names_a_framework_asks_for_it_alone():
    """The job side counts what it names: "Django" is one requirement, not three a CV without it would miss."""
    job = profile("Developer\nRequirements:\n- Django\n- React", is_job=True)
    assert set(job.skills) == {"django", "react"}


def test_implications_are_data_in_the_taxonomy():
    parents = load_taxonomy().parents
    for skill, implied in (
        ("django", {"python", "backend"}),
        ("flask", {"python", "backend"}),
        ("spring boot", {"spring", "java", "backend"}),
        ("express", {"node.js", "javascript", "backend"}),
        ("asp.net", {".net", "backend"}),
        ("react", {"javascript", "frontend"}),
        ("angular", {"javascript", "frontend"}),
        ("vue", {"javascript", "frontend"}),
        ("next.js", {"react", "javascript", "frontend"}),
    ):
        assert implied <= set(parents[skill]), skill
    assert "backend" not in parents["react"] and "frontend" not in parents["django"]


EMPLOYER_CV = """Product Designer
EXPERIENCE
Senior Designer
Jan 2021 - Present
Figma • San Francisco, CA
• Designed onboarding flows and ran usability studies with 40 customers.
Designer
Mar 2018 - Dec 2020
Notion San Francisco, CA
• Built the marketing site in React; integrations with Notion workspaces.
SKILLS: Sketch, Adobe XD"""


def test_an_employers_name_on_a_job_heading_is_no_skill():
    """Working at Figma or Notion says nothing of using those tools; a tool the CV lists stays, and a heading that
    names a role and a place ("Python Developer - São Paulo, SP") still shows the role's skill."""
    found = extract_skills(EMPLOYER_CV)
    assert not {e.quote for e in found.values()} & {"Figma", "Notion"}
    assert {"react", "ui/ux"} <= set(found) and found["ui/ux"].quote == "usability"
    got = run(EMPLOYER_CV, "Designer\nRequirements:\n- Figma\n- Notion or Trello")
    assert {g["skill"] for g in got.gaps if g["skill"]} >= {"trello"}
    assert not [s for s in got.strengths if s["evidence"] in ("Figma", "Notion")]
    heading = "EXPERIENCE\nJan 2020 - Present\nPython Developer - São Paulo, SP\n• APIs in Django"
    assert extract_skills(heading)["python"].quote == "Python"


def test_phrases_that_name_no_skill_of_the_job_are_not_asked():
    """The trial's frontend job: "performance budgets" is no finance budget, "accessibility compliance" no
    regulatory compliance (its WCAG still asks ui/ux); a CV's "conflict resolution algorithms" is no soft skill."""
    job = profile(
        "Requirements: hands-on experience with WCAG 2.1 AA accessibility compliance; drive frontend performance "
        "budgets across our three product surfaces.",
        is_job=True,
    )
    assert {"budget", "compliance"}.isdisjoint(job.skills) and "ui/ux" in job.skills
    assert "conflict management" not in extract_skills("Sync engine with SQLite and conflict resolution algorithms.")


def test_the_typed_response_keeps_implied_by():
    from recruta.api.models import Strength

    got = run(CV.format(framework="Django"), "Developer\nRequirements:\n- Python")
    typed = [Strength.model_validate(s) for s in got.strengths]
    assert [(s.skill, s.evidence, s.implied_by) for s in typed] == [("python", "Django", "django")]
