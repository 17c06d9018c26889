"""The language of a text: one detector for questions, CVs, jobs and generated lines.

``detect_language`` returns "ru" for mostly Cyrillic text, else "pt", "en" or "es" by counting each language's
distinctive function and domain words (folded, so "nível"/"nivel" count alike; a plural counts as its singular:
"reclutadores" as "reclutador") plus orthographic cues (ç, ã, ñ, ¿) and a few grammatical ones that survive typing
without accents: the noun endings "-ción/-ciones" (es) and "-ção/-ções" (pt, folded "-cao/-coes"), the Spanish
perfect "ha/han/hemos + participle" (Portuguese says "tem/foi") and an accented imperative with its pronoun glued on
("muéstrame", "dígame"; Portuguese writes "mostre-me"). Ties, and texts with no cue at all, are Portuguese: the
Decision data's language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from recruta.text.fold import fold, wordset

Language = Literal["pt", "en", "es", "ru"]
LANGUAGES: tuple[Language, ...] = ("pt", "en", "es", "ru")
LATIN: tuple[Language, ...] = ("pt", "en", "es")

_WORDS = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")

# Words that tell the three Latin-script languages apart (articles and prepositions shared by two of them, such as
# "a", "de", "que", "para", "con", count for both).
_CUES: dict[str, frozenset[str]] = {
    "pt": wordset(
        "o a os as um uma de do da dos das e em na nos nas no com nao que para qual quais quem e sao vaga candidato "
        "foi nivel exigido ingles atividades principais conhecimento conhecimentos tecnicos contratado situacao "
        "ao aos pelo pela pelos pelas voce tambem atuar ate isso sua seu ou mais "
        # recruiters' questions
        "quantos quantas vagas cidade recrutador candidaturas contratacoes alguem temos dominem saibam tenham "
        "fala falam intermediario fluente avancado "
        "quando onde chegou chegaram emprego trabalho procurando pra pro ja tem teve ainda ele ela dele dela "
        "vcs aqui algum alguma nenhum quanto preciso precisa precisam pede pedem ta"
    ),
    "en": wordset(
        "the a an of is are what which who was for with required level english job candidate skills hired main "
        "activities does did how and to in on you we our your experience knowledge years will be this that as "
        "work team "
        # recruiters' questions
        "many much has have any anyone someone from by at where when there need got jobs openings positions "
        "vacancies candidates hires most people show profiles please find list give tell or role roles req reqs "
        "posting postings opening spot contractor needed whose recruiter recruiters education degree seniority "
        "whats these those their they its headcount days per speak speaks location located approved not hire "
        "application applications applicant applicants applied"
    ),
    "es": wordset(
        "el la los las un una de del que no para con cual cuales quien es son fue nivel requerido ingles puesto "
        "candidato contratado habilidades actividades en y por tambien conocimiento conocimientos muy al lo su sus "
        "trabajo desarrollo empresa candidatura "
        # recruiters' questions
        "cuantos cuantas cuanto vacante vacantes puestos ciudad reclutador postulaciones alguien tenemos hay tiene "
        "dame busco necesito dominen sepan tengan manejen maneja perfiles avanzado dime pide piden necesita quiero "
        "puedes habla hablan intermedio fluido estudios cantidad plaza plazas aplicacion actual actualmente "
        "cuyo cuya cuyos cuyas sea sean"
    ),
}


# grammar that tells es from pt in folded or raw text (each worth as much as an orthographic cue)
_NOUN_ENDINGS = (("es", ("cion", "ciones")), ("pt", ("cao", "coes")))  # en writes "-tion(s)"
_ES_PERFECT = re.compile(r"\b(?:ha|han|hemos|habia|habian) (?:sido )?[a-z]+(?:ado|ido|ierto|echo)s?\b")
_ES_ENCLITIC = re.compile(r"\b[^\W\d_]*[áéíóú][^\W\d_]*(?:me|nos|melo|mela)\b")


def _cue(word: str, cues: frozenset[str]) -> bool:
    """``word`` or, for a plural of five letters or more, its singular ("reclutadores", "vacantes") is a cue."""
    if word in cues:
        return True
    if len(word) < 5 or not word.endswith("s"):
        return False
    return word[:-1] in cues or (word.endswith("es") and word[:-2] in cues)


def language_scores(text: str) -> dict[str, int]:
    """How many cues of each Latin-script language ``text`` holds."""
    folded = fold(text).casefold()
    words = _WORDS.findall(folded)
    scores = {lang: sum(1 for w in words if _cue(w, cues)) for lang, cues in _CUES.items()}
    for lang, endings in _NOUN_ENDINGS:  # "contrataciones", "contratacao": the ending without its accent
        scores[lang] += 2 * sum(1 for w in words if len(w) > 5 and w.endswith(endings))
    scores["es"] += 2 * len(_ES_PERFECT.findall(folded))
    raw = text.lower()
    scores["es"] += 2 * len(_ES_ENCLITIC.findall(raw))
    scores["pt"] += 2 * (raw.count("ã") + raw.count("õ"))
    scores["es"] += 2 * (raw.count("ñ") + raw.count("¿") + raw.count("¡"))
    return scores


@lru_cache(maxsize=4096)
def detect_language(text: str) -> Language:
    """ "ru" for Cyrillic text, else "pt" / "en" / "es" by cue counts (ties → "pt")."""
    letters = sum(1 for ch in text if ch.isalpha())
    if letters and len(_CYRILLIC.findall(text)) >= 0.3 * letters:
        return "ru"
    scores = language_scores(text)
    return max(LATIN, key=lambda lang: (scores[lang], lang == "pt"))


def fits_language(text: str, lang: str) -> bool:
    """True when nothing in ``text`` argues for a language other than ``lang`` (a short line made only of skill
    names or numbers fits every language)."""
    if lang == "ru":
        return detect_language(text) == "ru"
    scores = language_scores(text)
    return scores.get(lang, 0) >= max(scores.values())


__all__ = ["LANGUAGES", "LATIN", "Language", "detect_language", "fits_language", "language_scores"]
