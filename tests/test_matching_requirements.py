"""/match reads a requirement line as the recruiter wrote it (pt/en/es, no embedder):

- a line that marks itself nice-to-have ("Java ou Spring (desejável)", "Kafka is a plus", "— deseable") gives
  nice-to-have gaps, whatever heading it is under (the marks are data: job_sections.json, ``preferred_marks``);
- skills a line joins with "ou"/"or"/"o" are one requirement that any of them meets: one gap when the CV has
  none, no gap when it has one (job_sections.json, ``either``).
"""

from __future__ import annotations

import pytest

from recruta.api.models import Gap
from recruta.facts.job_requirements import job_skills
from recruta.screening.matching import match, profile

CV = {
    "pt": "Experiência: desenvolvi APIs em Python e Django na Acme, com Docker e PostgreSQL, de 2018 a 2024.",
    "en": "Experience: built APIs in Python and Django at Acme, with Docker and PostgreSQL, from 2018 to 2024.",
    "es": "Experiencia: desarrollé APIs en Python y Django en Acme, con Docker y PostgreSQL, de 2018 a 2024.",
}
HEAD = {
    "pt": "Requisitos:",
    "en": "Requirements:",
    "es": "Requisitos para el puesto:",
}  # "o" joins only in Spanish text


def _match(lang: str, *lines: str) -> dict:
    job = "\n".join([HEAD[lang], *(f"- {line}" for line in lines)])
    return match(profile(CV[lang], is_job=False), profile(job, is_job=True), embedder=None, lang=lang).to_dict()


def _gaps(result: dict) -> dict[str, dict]:
    return {g["skill"]: g for g in result["gaps"] if g["skill"]}


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("pt", "Java ou Spring (desejável)"),
        ("pt", "Diferencial: Java ou Spring"),
        ("pt", "Java ou Spring será um diferencial"),
        ("en", "Java or Spring (nice to have)"),
        ("en", "Java or Spring is a plus"),
        ("en", "Java or Spring - plus"),
        ("es", "Java o Spring (deseable)"),
        ("es", "Java o Spring es un plus"),
    ],
)
def test_a_nice_to_have_alternative_is_one_nice_to_have_gap(lang: str, line: str) -> None:
    gaps = _gaps(_match(lang, "Python e Django" if lang == "pt" else "Python, Django", line))
    assert list(gaps) == ["java"], gaps
    assert gaps["java"]["preferred"] is True
    assert gaps["java"]["either"] == ["spring"]
    assert Gap(**gaps["java"]).preferred, "the API's response keeps the mark"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("pt", "Docker ou Kubernetes"),
        ("en", "Kubernetes or Docker"),
        ("es", "Docker o Kubernetes"),
        ("pt", "AWS, GCP ou Docker"),
    ],
)
def test_an_alternative_the_cv_has_meets_the_requirement(lang: str, line: str) -> None:
    result = _match(lang, line)
    assert not _gaps(result), result["gaps"]
    assert [s["skill"] for s in result["strengths"]] == ["docker"]


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_a_required_line_without_a_mark_stays_required_and_an_and_list_is_two_requirements(lang: str) -> None:
    joined = {"pt": "Java e Kotlin", "en": "Java and Kotlin", "es": "Java y Kotlin"}[lang]
    gaps = _gaps(_match(lang, joined, "Kafka, Spark"))
    assert set(gaps) == {"java", "kotlin", "kafka", "spark"}
    assert not any(g.get("preferred") or g.get("either") for g in gaps.values()), gaps


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_the_skills_signal_counts_alternatives_as_one_requirement(lang: str) -> None:
    either = {"pt": "Java ou Docker", "en": "Java or Docker", "es": "Java o Docker"}[lang]
    signal = _match(lang, "Python", either)["signals"]["skills"]
    both = _match(lang, "Python", "Docker")["signals"]["skills"]
    assert signal["value"] == both["value"] == 1.0, "the CV has Python and Docker: both requirements are met"
    assert signal["detail"] == both["detail"]  # "2 of 2", not "2 of 3"


def test_a_nice_to_have_line_in_a_job_without_headings_leaves_the_other_lines_asked() -> None:
    """A job of bare lines (Decision's vaga 5125 is like this) is read whole; its "DIFERENCIAL" line was taken for a
    heading of skills, and the job asked for shell scripting alone."""
    asked = job_skills(
        "Analista de Storage\nnível Senior\nConhecimento em NetApp, Linux e Windows Server\nDIFERENCIAL SHELL SCRIPT"
    )
    assert {"linux", "windows server"} <= set(asked) and not asked["linux"].preferred
    assert asked["scripting"].preferred


def test_alternatives_are_read_per_line() -> None:
    asked = job_skills(
        "Requisitos:\n- Python, SQL\n- Java, Kotlin ou Scala\n- Git\nDesejável: Docker e/ou Kubernetes\n- HTML/CSS"
    )
    assert asked["java"].either == ("kotlin", "scala") and asked["scala"].either == ("java", "kotlin")
    assert asked["python"].either == asked["sql"].either == asked["git"].either == ()
    assert asked["docker"].either == ("kubernetes",) and asked["docker"].preferred
    assert asked["html"].either == asked["css"].either == (), "a bare '/' joins skills that are all asked"
    bullets = job_skills("Requirements:\n- Experience with the following tools o Angular o Jenkins o Docker")
    assert not any(need.either for need in bullets.values()), "an 'o' bullet of a pasted list joins nothing"


# --------------------------------------------------------------------------- the languages section's advice
LANGUAGES_ASKED = {"pt": "Inglês avançado", "en": "Advanced English", "es": "Inglés avanzado"}
ENGLISH_STATED = {
    "pt": "Idiomas: inglês avançado.",
    "en": "Languages: advanced English.",
    "es": "Idiomas: inglés avanzado.",
}


def _languages_advised(lang: str, result: dict) -> bool:
    from recruta.i18n import message

    section = message("screening", "section.languages", lang)
    return any(section in line for line in result["advice"])


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_a_languages_section_is_advised_only_for_a_language_the_job_asks_and_the_cv_does_not_state(lang: str) -> None:
    no_language = _match(lang, "Python")
    assert not no_language["sections"]["languages"], "the CV has no languages section (the section check says so)"
    assert not _languages_advised(lang, no_language), no_language["advice"]
    asked = _match(lang, "Python", LANGUAGES_ASKED[lang])
    assert _languages_advised(lang, asked), asked["advice"]
    job = "\n".join([HEAD[lang], "- Python", f"- {LANGUAGES_ASKED[lang]}"])
    stated = match(
        profile(f"{CV[lang]}\n{ENGLISH_STATED[lang]}", is_job=False),
        profile(job, is_job=True),
        embedder=None,
        lang=lang,
    ).to_dict()
    assert not _languages_advised(lang, stated), stated["advice"]


# --------------------------------------------------------------------------- specific practices of one family
# "A/B testing" (product experiments) and "screen-reader testing" (accessibility) both end in "testing": each is its
# own skill in the taxonomy, so neither meets the other, nor a software-testing requirement A/B testing is not.
SCREEN_READER = {
    "pt": "Testes com leitores de tela",
    "en": "Screen-reader testing of the web app",
    "es": "Pruebas con lectores de pantalla",
}
AB_CV = {
    "pt": "Experiência: conduzi testes A/B de funcionalidades na Acme de 2019 a 2024.",
    "en": "Experience: ran A/B testing of features at Acme from 2019 to 2024.",
    "es": "Experiencia: realicé pruebas A/B de funcionalidades en Acme de 2019 a 2024.",
}
ACCESSIBILITY_CV = {
    "pt": "Experiência: fiz testes de acessibilidade do app na Acme de 2019 a 2024.",
    "en": "Experience: did accessibility testing of the app at Acme from 2019 to 2024.",
    "es": "Experiencia: hice pruebas de accesibilidad de la app en Acme de 2019 a 2024.",
}
SOFTWARE_TESTING = {"pt": "Testes de software", "en": "Software testing", "es": "Pruebas de software"}


def _job(lang: str, line: str) -> str:
    return f"{HEAD[lang]}\n- {line}"


def _strengths_and_gaps(cv: str, job: str, lang: str) -> tuple[set[str], set[str]]:
    result = match(profile(cv, is_job=False), profile(job, is_job=True), embedder=None, lang=lang).to_dict()
    return {s["skill"] for s in result["strengths"]}, {g["skill"] for g in result["gaps"] if g["skill"]}


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_one_specific_testing_practice_does_not_meet_another(lang: str) -> None:
    strengths, gaps = _strengths_and_gaps(AB_CV[lang], _job(lang, SCREEN_READER[lang]), lang)
    assert not strengths and gaps == {"accessibility testing"}
    strengths, gaps = _strengths_and_gaps(AB_CV[lang], _job(lang, SOFTWARE_TESTING[lang]), lang)
    assert not strengths and gaps == {"testing"}, "A/B testing is product experimentation, not software testing"


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_the_same_practice_meets_it_and_a_specific_one_meets_the_general_requirement(lang: str) -> None:
    strengths, gaps = _strengths_and_gaps(ACCESSIBILITY_CV[lang], _job(lang, SCREEN_READER[lang]), lang)
    assert strengths == {"accessibility testing"} and not gaps
    strengths, gaps = _strengths_and_gaps(ACCESSIBILITY_CV[lang], _job(lang, SOFTWARE_TESTING[lang]), lang)
    assert strengths == {"testing"} and not gaps


@pytest.mark.parametrize(
    ("lang", "line", "said"),
    [
        ("pt", "Java ou Spring", "java ou spring"),
        ("en", "Java or Spring", "java or spring"),
        ("es", "Java o Spring", "java o spring"),
    ],
)
def test_the_advice_names_alternatives_as_one_choice(lang: str, line: str, said: str) -> None:
    advice = _match(lang, "Python", line)["advice"]
    assert any(said in a for a in advice), advice


# each specific practice of the testing family, as a CV or a job writes it
PRACTICES = {
    "accessibility testing": "screen-reader testing",
    "a/b testing": "A/B testing",
    "usability testing": "usability testing",
    "exploratory testing": "exploratory testing",
    "contract testing": "contract testing",
    "mobile testing": "mobile testing",
    "penetration testing": "penetration testing",
    "performance testing": "load testing",
    "unit testing": "unit tests",
    "manual testing": "manual testing",
    "end-to-end testing": "end-to-end testing",
}


@pytest.mark.parametrize("asked", sorted(PRACTICES))
def test_no_specific_practice_meets_another_of_its_family(asked: str) -> None:
    job = f"Requirements:\n- {PRACTICES[asked].capitalize()} of our web and mobile apps"
    for has, words in PRACTICES.items():
        cv = f"Experience: did {words} of web apps at Acme from 2019 to 2024."
        strengths, gaps = _strengths_and_gaps(cv, job, "en")
        if has == asked:
            assert asked in strengths and asked not in gaps, (has, strengths, gaps)
        else:
            assert asked in gaps and not strengths, (asked, has, strengths)
