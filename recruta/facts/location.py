"""Where a person is or a job is: normalized cities, plus ``"remote"`` and ``"relocate"``.

The cities are data (``data/cities.json``: canonical name → folded regex alternatives). Labelled location
fields, remote-work and relocation phrases and their negations stay regex here: they are the grammar around a
place, not a word → value table.
"""

from __future__ import annotations

import re
from typing import Literal

from recruta.facts.tables import table
from recruta.text.fold import fold

__all__ = ["Nearness", "locations", "nearness", "region"]

_CityIndex = dict[str, tuple[tuple[str, re.Pattern[str]], ...]]


def _build_city_index() -> _CityIndex:
    """First 2-3 letters → (city, regex of one alternative): a scan tries only the cities that can start there."""
    index: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for city, alternatives in table("cities")["cities"].items():
        for alt in alternatives:
            head = re.match(r"[a-zа-я]{2,3}", alt)
            if head is None:
                raise ValueError(f"city pattern {alt!r} must start with 2-3 literal letters")
            index.setdefault(head.group(0), []).append((city, re.compile(f"(?:{alt})(?!\\w)")))
    return {k: tuple(v) for k, v in index.items()}


_CITY_INDEX = _build_city_index()
_WORD_START = re.compile(r"(?<!\w)\w")
_LOCATION_FIELDS = re.compile(
    r"(?im)^[ \t]*(?:город[^:\n]*|локация|адрес|местоположение|регион|cidade|local(?: de trabalho)?|localizacao|"
    r"localidade|endereco|location|city|address|ciudad|ubicacion|localizacion|residencia(?: actual| atual)?|"
    r"domicilio|cidade(?:/estado|/uf| atual)?|based in|current location|lugar de residencia|local de residencia)"
    r"[ \t]*:[ \t]*(.*)$"
)
_NEGATION = re.compile(r"(?:\b(?:не|not|no|sem|nao|sin|nem|never|nunca)\s+(?:\w+\s+){0,2})$")
_REMOTE = re.compile(
    r"(?<!\w)(?:remot[oa]|remote(?![\s\-]+(?:access|support|desktop|monitoring|assistance))|home[\s\-]?office|"
    r"teletrabalho|teletrabajo|trabajo a distancia|work from home|wfh|"
    r"удал[её]нн\w*[\s\-]+(?:работ\w*|формат\w*|режим\w*|занятост\w*)|удал[её]нно|удал[её]нк\w*|"
    r"дистанционн\w*[\s\-]+работ\w*)(?!\w)"
)
_REMOTE_EXCLUDE_BEFORE = re.compile(r"(?:acesso|suporte|assistencia|acceso|soporte|monitoramento)\s+$")
_REMOTE_NEG_AFTER = re.compile(
    r"^[\s\-:,]*(?:\w+\s+){0,2}(?:не рассматрива\w*|не предусмотрен\w*|не возможн\w*|невозможн\w*|"
    r"nao e possivel|not possible|not available|no disponible)"
)
# "Híbrido: 2 dias remotos", "teletrabajo parcial" is not a remote job: a remote word on a line that says hybrid does not count.
_HYBRID = re.compile(
    r"(?<!\w)(?:hibrid[oa]|hybrid|semipresencial|гибридн\w*|parcial(?:mente)?|partial(?:ly)?|"
    r"part[\s\-]time|partly)(?!\w)"
)
_RELOCATE = re.compile(
    r"(?<!\w)(?:готов\w*\s+к\s+переезду|с\s+переездом|переезд\s+в\s+г|"
    r"disponibilidade\s+(?:para|de)\s+(?:mudanca|relocacao|realocacao)|disponivel\s+para\s+mudanca|"
    r"aceito\s+mudanca|willing\s+to\s+relocate|open\s+to\s+relocat\w*|available\s+to\s+relocate|"
    r"relocation\s+(?:assistance|package|support|offered|provided)|"
    r"disponibilidad\s+(?:para|de)\s+(?:mudarse|reubicarse|reubicacion|traslado|cambio\s+de\s+residencia)|"
    r"dispuest[oa]\s+a\s+(?:reubicarme|mudarme|trasladarme))"
)


def _cities_in(fragment: str) -> set[str]:
    found: set[str] = set()
    for m in _WORD_START.finditer(fragment):
        pos = m.start()
        for width in (3, 2):
            for city, regex in _CITY_INDEX.get(fragment[pos : pos + width], ()):
                if city not in found and regex.match(fragment, pos):
                    found.add(city)
    return found


def locations(text: str) -> set[str]:
    """Normalized city names (Brazilian capitals and big cities, big Russian cities, a few LatAm/US/EU),
    plus ``"remote"`` (remoto/remote/удалённая работа/home office/teletrabajo, not negated) and
    ``"relocate"`` (готов к переезду / disponibilidade para mudança / willing to relocate, not after
    не/not/sem/não; also a job offering relocation: "с переездом").

    When the text has labelled location fields ("Город, переезд, командировки:", "Локация:", "Адрес:",
    "Cidade:", "Location:"), cities are taken from those fields only (past employers' and universities'
    cities elsewhere in a CV are not where the person is); otherwise from the whole text.
    """
    norm = fold(text)
    out: set[str] = set()
    for m in _LOCATION_FIELDS.finditer(norm):
        out |= _cities_in(m.group(1))
    if not out:
        out = _cities_in(norm)
    for m in _REMOTE.finditer(norm):
        before = norm[max(0, m.start() - 30) : m.start()]
        if _NEGATION.search(before) or _REMOTE_EXCLUDE_BEFORE.search(before):
            continue
        if _REMOTE_NEG_AFTER.match(norm[m.end() : m.end() + 30]):
            continue
        line_start, line_end = norm.rfind("\n", 0, m.start()) + 1, norm.find("\n", m.end())
        if _HYBRID.search(norm, line_start, line_end if line_end >= 0 else len(norm)):
            continue
        out.add("remote")
        break
    for m in _RELOCATE.finditer(norm):
        if not _NEGATION.search(norm[max(0, m.start() - 25) : m.start()]):
            out.add("relocate")
            break
    return out


Nearness = Literal["same city", "same region", "same country", "elsewhere", "unknown"]


def region(city: str) -> tuple[str, str] | None:
    """(country, state) of a canonical city from :func:`locations` (ISO 3166 codes), or None for "remote" and the like."""
    code = table("cities")["regions"].get(city)
    if code is None:
        return None
    country, _, state = str(code).partition("/")
    return country, state


def nearness(here: set[str] | frozenset[str], there: set[str] | frozenset[str]) -> Nearness:
    """How near the nearest of the places ``here`` is to one of the places ``there`` (cities from :func:`locations`;
    "remote" and "relocate" are ignored): the same city, the same state, the same country, elsewhere; "unknown"
    when either side names no city. Read the same way whatever language the texts were written in."""
    a = {c for c in here if region(c) is not None}
    b = {c for c in there if region(c) is not None}
    if not a or not b:
        return "unknown"
    if a & b:
        return "same city"
    ra = {region(c) for c in a}
    rb = {region(c) for c in b}
    if ra & rb:
        return "same region"
    if {r[0] for r in ra if r} & {r[0] for r in rb if r}:
        return "same country"
    return "elsewhere"
