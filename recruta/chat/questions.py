"""The words of a question the generated path needs: its language, its content words, and a few cues.

Pure functions of the question text (folded with :mod:`recruta.text.fold`). Which *intent* a message has is
:mod:`recruta.chat.intents`; this module serves the passage-grounded path that follows for everything else: an
open question ("resuma", "pontos fortes") is never "not in the documents", a concept question ("onde estudou?")
is checked against the CV's sections rather than its words, a follow-up ("isso") ranks with the previous turn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from recruta.rag.prompting import prompt_language
from recruta.screening.matching import Profile
from recruta.text.fold import content_words, fold

__all__ = [
    "CONCEPTS",
    "Concept",
    "about_job",
    "concepts_in",
    "fold_question",
    "framing_language",
    "is_open",
    "points_back",
    "question_language",
    "question_words",
    "stems",
    "wants_hires",
]

# Words that frame a question without saying what it is about ("qual o nome dele", "tell me about their ...").
_FRAMING = content_words(
    "ele ela eles elas dele dela deles delas seu sua seus suas tem têm possui possuem há foi ser são está esta este "
    "esse essa isso isto você voce pode poderia pra mais muito nome pessoa cv currículo curriculo documento "
    "documentos resuma resumir resumo fale conte explique descreva detalhe detalhes detalhar elabore elaborar "
    "explicar melhor exemplo exemplos quanto quantos quantas "
    "quando onde como porque algum alguma alguns já ainda também num numa pelo pela me te nos lhe eu meu minha "
    "então tudo bem sim não nao entrevista pergunta perguntas perguntar devo deveria "
    "he she they his her hers their them him has have had does did do was were be been this that these those it "
    "its can could should would will you your we my our name person resume document documents summarise summarize "
    "summary tell describe explain elaborate detail details example examples more about any some much many when "
    "where why there at "
    "on with from by as an please also yes no interview ask question questions "
    "él ella ellos su sus tiene tienen ha fue este esta ese esa eso usted puede nombre documento resumen háblame "
    "hablame cuéntame cuentame describe explica detalla más cuánto cuántos cuándo dónde cómo qué cuál cuales algún "
    "también del los las la lo al un una en con para preguntar preguntas entrevista debo"
)

_OPEN = re.compile(
    r"\b(?:resum\w*|summar\w*|overview|visao geral|sintetiz\w*|pontos? fortes?|pontos? fracos?|strengths?|"
    r"weakness\w*|fortalezas?|debilidad\w*|lacunas?|gaps?|brechas?|riscos?|risks?|riesgos?|perfil|profile)\b"
)
_ABOUT_JOB = re.compile(r"\b(?:vaga|job|role|position|puesto|vacante|requisit\w*|exig\w*|requir\w*|oferta)\b")
_HIRES = re.compile(
    r"\b(?:historic[oa]s?(?! (?:profissional|escolar|academico|laboral|professional))|contratad[oa]s|similar\w*|"
    r"parecid[oa]s|semelhantes?|hired before|past hires|previous hires|similar hires)\b"
)
# A follow-up that points back at the conversation ("pode detalhar isso?", "tell me more about that").
_ANAPHORA = re.compile(r"\b(?:isso|disso|nisso|isto|aquilo|acima|anterior|that|this|above|previous|eso|esto|arriba)\b")


@dataclass(frozen=True, kw_only=True)
class Concept:
    """A CV section a question can ask about in words the section does not use ("where did he study?")."""

    cue: re.Pattern[str]  # matched against the folded question
    query_words: str  # added to the ranking query, so the section's passage ranks first
    present: Callable[[Profile, dict[str, bool]], bool]  # (candidate profile, check_sections) -> in the documents?


CONCEPTS: dict[str, Concept] = {
    "education": Concept(
        cue=re.compile(
            r"\b(?:estud\w*|study\w*|studied|formacao|formad[oa]|gradua\w*|faculdade|universi\w*|"
            r"college|degree|diploma|escolaridade|educa\w*|academ\w*)\b"
        ),
        query_words="education formação escolaridade universidade university degree graduação bacharel bachelor",
        present=lambda cv, sec: sec["education"],
    ),
    "languages": Concept(
        cue=re.compile(
            r"\b(?:idiomas?|languages?|lenguas?|ingles|english|espanhol|espanol|spanish|fala|falam|"
            r"speaks?|habla)\b"
        ),
        query_words="idiomas languages inglês english espanhol spanish",
        present=lambda cv, sec: sec["languages"],
    ),
    "experience": Concept(
        cue=re.compile(
            r"\b(?:trabalh\w*|worked|works|emprego\w*|empresas?|compan(?:y|ies)|experien\w*|"
            r"carreira|career|trajetoria|trayectoria)\b"
        ),
        query_words="experiência experience cargo empresa",
        present=lambda cv, sec: sec["experience"] or bool(cv.years),
    ),
    "location": Concept(
        cue=re.compile(r"\b(?:mora|morar|reside\w*|lives?|cidade|city|ciudad|localiza\w*|location|vive)\b"),
        query_words="cidade city localização location",
        present=lambda cv, sec: bool(cv.locations),
    ),
    "salary": Concept(
        cue=re.compile(r"\b(?:salari\w*|salary|pretensao|remunera\w*|sueldo|compensation)\b"),
        query_words="salário salary pretensão remuneração",
        present=lambda cv, sec: any(cv.salary[:2]),
    ),
}


def fold_question(text: str) -> str:
    """The form every cue is matched against: case- and accent-folded."""
    return fold(text).casefold()


def question_language(question: str) -> str:
    """pt / en / es: the language the chat answers ``question`` in (the one its prompt template is in)."""
    return prompt_language(question)


# Pronouns and verbs of short questions the language detector has no cue for ("ele sabe python?", "does she know
# Go?", "¿él maneja Java?"), by language; a word shared by two languages ("sabe") is in neither.
_FRAMING_BY_LANG = {
    "pt": content_words("ele ela dele dela eles elas você voce tem têm possui conhece domina fala usa já pode"),
    "en": content_words("he she his her him they their them does know knows has have can uses speak speaks any"),
    "es": content_words("él ella ellos ellas tiene tienen posee conoce maneja habla usa ya puede"),
}


def framing_language(question: str) -> str | None:
    """The one language whose question framing words the message uses, else None."""
    words = {w for w in content_words(question)}
    found = [lang for lang, cues in _FRAMING_BY_LANG.items() if words & (cues - _shared_framing())]
    return found[0] if len(found) == 1 else None


def _shared_framing() -> set[str]:
    langs = list(_FRAMING_BY_LANG.values())
    return {w for i, a in enumerate(langs) for b in langs[i + 1 :] for w in a & b}


def question_words(question: str) -> set[str]:
    """Content words that say what the question is about (framing words removed)."""
    return content_words(question) - _FRAMING


def stems(words: set[str]) -> set[str]:
    """Crude prefix stems, so "equipes"/"equipe" and "liderou"/"liderança" count as shared words."""
    return {w[:5] for w in words}


def wants_hires(question: str) -> bool:
    """The question asks about similar past hires (from the index, not the session's documents)."""
    return bool(_HIRES.search(fold_question(question)))


def about_job(folded: str) -> bool:
    return bool(_ABOUT_JOB.search(folded))


def is_open(folded: str) -> bool:
    """Open questions ("resuma", "strengths", "perfil") have an answer in any CV."""
    return bool(_OPEN.search(folded))


def points_back(folded: str) -> bool:
    """The question refers to the conversation ("isso", "that", "anterior")."""
    return bool(_ANAPHORA.search(folded))


def concepts_in(folded: str) -> list[str]:
    """The CONCEPTS the question asks about, in table order."""
    return [name for name, c in CONCEPTS.items() if c.cue.search(folded)]
