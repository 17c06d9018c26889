"""Explainable, deterministic facts from CV and job texts (Portuguese, English, Spanish, Russian).

Everything here is pure Python (``re`` + a JSON taxonomy) so a match score built on it can say *why*:
every skill comes with the exact quote and offset it was found at.

- :func:`extract_skills` — canonical skills (``skills_taxonomy.json``) with the first evidence for each,
  plus implied parents ("spring boot" → "spring" → "java") carrying the same quote.
- :func:`requirements` — a job's requirement lines/bullets.
- :func:`detect_language`, :func:`language_levels`, :func:`years_of_experience`, :func:`seniority`,
  :func:`education_level`, :func:`locations`, :func:`salary`, :func:`electrical_safety_group`.

Matching is case-insensitive and accent-insensitive for Latin scripts; the text is folded character by
character (same length), so offsets found in the folded text are offsets in the original and quotes are
exact substrings. Russian inflection is handled by stems in the taxonomy (``продаж*``).

Job vs CV: some facts mean different things in a job ("the required minimum") and a CV ("the highest
reached"). Functions that care take ``job=True/False``; by default they guess from the text (section
headers such as "Требования", "Requisitos", "Requirements" vs "Ищет работу на должность", "Objetivo").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from recruta.text.fold import fold
from recruta.text.language import detect_language

__all__ = [
    "CATEGORIES",
    "LEVELS",
    "TAXONOMY_PATH",
    "Evidence",
    "Skill",
    "Taxonomy",
    "detect_language",
    "education_level",
    "electrical_safety_group",
    "extract_skills",
    "fold",
    "language_levels",
    "load_taxonomy",
    "locations",
    "looks_like_job",
    "requirements",
    "salary",
    "seniority",
    "years_of_experience",
]

TAXONOMY_PATH = Path(__file__).with_name("skills_taxonomy.json")
CATEGORIES = ("hard", "tool", "soft", "domain")

#: The integer scales used by :func:`language_levels`, :func:`seniority` and :func:`education_level`.
LEVELS: dict[str, dict[int, str]] = {
    "language": {0: "none", 1: "basic", 2: "intermediate", 3: "advanced", 4: "fluent/native"},
    "seniority": {
        0: "intern/trainee (estagiário, стажёр)",
        1: "junior (júnior, assistente, младший, начинающий)",
        2: "mid-level (pleno, middle, analista)",
        3: "senior (sênior, ведущий, старший)",
        4: "specialist/lead (especialista, líder, tech lead, supervisor, архитектор, главный)",
        5: "manager (gerente, coordenador, head, руководитель, начальник, директор)",
    },
    "education": {
        0: "none/primary",
        1: "secondary (ensino médio, среднее)",
        2: "technical (técnico, среднее специальное/профессиональное)",
        3: "incomplete higher (superior incompleto/cursando, неоконченное высшее)",
        4: "higher (superior completo, bacharel, bachelor, высшее)",
        5: "postgraduate (pós, MBA, mestrado, master, PhD, магистр, кандидат наук)",
    },
}


# --------------------------------------------------------------------------------------------------
# Folding: lowercase, strip Latin accents, ё→е, typographic dashes/quotes/spaces → ASCII; same length.
# --------------------------------------------------------------------------------------------------




# --------------------------------------------------------------------------------------------------
# Taxonomy
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Evidence:
    skill: str  # canonical name (English), e.g. "python", "sap fi"
    category: str  # "hard" | "tool" | "soft" | "domain"
    quote: str  # exact substring of the input text that matched
    start: int  # offset of ``quote`` in the input text

    @property
    def end(self) -> int:
        return self.start + len(self.quote)


@dataclass(frozen=True, kw_only=True)
class Skill:
    name: str
    category: str
    aliases: tuple[str, ...]
    implies: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class _Alias:
    skill: str
    text: str
    regex: re.Pattern[str]
    strict: bool
    order: int


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    skills: dict[str, Skill]
    index: dict[str, tuple[_Alias, ...]]  # first 1-3 literal folded chars -> aliases
    parents: dict[str, tuple[str, ...]]  # skill -> all implied ancestors, nearest first
    ignore: re.Pattern[str] | None = None  # boilerplate masked before matching

    def __len__(self) -> int:
        return len(self.skills)


_ALIAS_END = r"(?![\w+#$])"
_SPECIAL = frozenset(" *-/")


def _alias_pattern(alias: str) -> str:
    parts: list[str] = []
    prev = ""
    for i, ch in enumerate(alias):
        nxt = alias[i + 1] if i + 1 < len(alias) else ""
        if ch == "*":
            parts.append(r"\w*")
        elif ch == " ":
            parts.append(r"[\s\-]+" if prev == "*" else r"[\s\-]*")
        elif ch == "-":
            parts.append(r"[\s\-]?")
        elif ch == "/":
            parts.append(r"\s*/\s*")
        elif ch == "." and prev.isalnum() and nxt.isalnum():
            parts.append(r"\.?")
        else:
            parts.append(re.escape(ch))
        prev = ch
    return "".join(parts) + _ALIAS_END


def _literal_prefix(alias: str) -> str:
    out = []
    for i, ch in enumerate(alias):
        if ch in _SPECIAL:
            break
        if ch == "." and i > 0 and alias[i - 1].isalnum() and i + 1 < len(alias) and alias[i + 1].isalnum():
            break
        out.append(ch)
    return "".join(out)


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Load and compile a taxonomy file (default: the bundled one, cached)."""
    if path is None:
        return _default_taxonomy()
    return _compile(Path(path))


@cache
def _default_taxonomy() -> Taxonomy:
    return _compile(TAXONOMY_PATH)


def _compile(path: Path) -> Taxonomy:
    raw = json.loads(path.read_text(encoding="utf-8"))
    skills: dict[str, Skill] = {}
    for entry in raw["skills"]:
        name = entry["skill"]
        if name in skills:
            raise ValueError(f"duplicate skill {name!r} in {path}")
        if entry["category"] not in CATEGORIES:
            raise ValueError(f"skill {name!r}: bad category {entry['category']!r}")
        aliases = tuple(dict.fromkeys(entry["aliases"]))
        skills[name] = Skill(name=name, category=entry["category"], aliases=aliases,
                             implies=tuple(entry.get("implies", ())))
    for skill in skills.values():
        for parent in skill.implies:
            if parent not in skills:
                raise ValueError(f"skill {skill.name!r} implies unknown skill {parent!r}")

    parents: dict[str, tuple[str, ...]] = {}
    for name in skills:
        seen: list[str] = []
        frontier = list(skills[name].implies)
        while frontier:
            nxt = frontier.pop(0)
            if nxt == name:
                raise ValueError(f"implication cycle through {name!r}")
            if nxt not in seen:
                seen.append(nxt)
                frontier.extend(skills[nxt].implies)
        parents[name] = tuple(seen)

    index: dict[str, list[_Alias]] = {}
    order = 0
    for skill in skills.values():
        for alias in skill.aliases:
            strict = alias.startswith("~")
            text = fold(alias[1:] if strict else alias).strip()
            prefix = _literal_prefix(text)
            if not prefix:
                raise ValueError(f"alias {alias!r} of {skill.name!r} must start with a literal character")
            index.setdefault(prefix[:3], []).append(
                _Alias(skill=skill.name, text=text, regex=re.compile(_alias_pattern(text)), strict=strict, order=order)
            )
            order += 1
    ignore = [_alias_pattern(fold(phrase).strip()) for phrase in raw.get("ignore", ())]
    return Taxonomy(
        skills=skills,
        index={k: tuple(v) for k, v in index.items()},
        parents=parents,
        ignore=re.compile("|".join(f"(?<!\\w)(?:{p})" for p in ignore)) if ignore else None,
    )


# --------------------------------------------------------------------------------------------------
# Skills
# --------------------------------------------------------------------------------------------------

_START = re.compile(r"(?<![\w.])[\w.]")
# What may separate two items of a list: punctuation and at most one conjunction.
_LIST_GAP = re.compile(r"[\s,/;&+()|:\-]*(?:(?:e|and|y|и|or|ou|o|или)[\s,/;&+()|:\-]+)?")
_SAP_MODULES: dict[str, tuple[str, ...]] = {
    "fico": ("sap fi", "sap co"), "fi": ("sap fi",), "co": ("sap co",), "mm": ("sap mm",), "sd": ("sap sd",),
    "pp": ("sap pp",), "pm": ("sap pm",), "qm": ("sap qm",), "hcm": ("sap hcm",), "hr": ("sap hcm",),
    "basis": ("sap basis",), "abap": ("abap",), "bw": ("sap bw",), "ewm": ("sap ewm",), "wm": ("sap wm",),
    "ps": ("sap ps",), "pi": ("sap pi/po",), "po": ("sap pi/po",), "fiori": ("sap fiori",),
    "ariba": ("ariba",), "successfactors": ("successfactors",), "s/4hana": ("s/4hana",), "s4hana": ("s/4hana",),
    "hana": ("sap hana",),
}
_SAP_MOD = "|".join(re.escape(m) for m in sorted(_SAP_MODULES, key=len, reverse=True))
_SAP_LIST = re.compile(
    rf"(?<![\w.])(sap|modulos?)[\s\-/]*((?:{_SAP_MOD})(?:\s*(?:/|,|&|-|\be\b|\band\b|\by\b|\bи\b)\s*(?:{_SAP_MOD}))*)"
    r"(?![\w/])"
)
_SAP_ITEM = re.compile(rf"(?<!\w)(?:{_SAP_MOD})(?!\w)")


def extract_skills(text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, Evidence]:
    """Canonical skill -> first evidence (earliest quote), including implied parents.

    Longest alias wins at each position; ambiguous aliases (``~`` in the taxonomy: "C", "R", "Go",
    "REST"...) count only inside a list next to another matched skill ("C/C++", "GO/Rust").
    SAP module lists ("SAP FI/CO", "sap pp/qm", "SAP MM, SD e PP") yield every module.
    The result is ordered by position, then name.
    """
    if not text:
        return {}
    tax = taxonomy or _default_taxonomy()
    norm = fold(text)
    found = _scan(norm, tax)
    found = _accept_strict(found, norm)
    hits: list[tuple[int, int, str]] = [(s, e, a.skill) for s, e, a in found]
    hits.extend(_sap_lists(norm, tax))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0]), h[2]))
    result: dict[str, Evidence] = {}
    for start, end, name in hits:
        quote = text[start:end]
        for skill in (name, *tax.parents[name]):
            if skill not in result:
                result[skill] = Evidence(skill=skill, category=tax.skills[skill].category, quote=quote, start=start)
    return dict(sorted(result.items(), key=lambda kv: (kv[1].start, kv[0])))


def _scan(norm: str, tax: Taxonomy) -> list[tuple[int, int, _Alias]]:
    out: list[tuple[int, int, _Alias]] = []
    index = tax.index
    masked = [(m.start(), m.end()) for m in tax.ignore.finditer(norm)] if tax.ignore else []
    last_end = 0
    for m in _START.finditer(norm):
        pos = m.start()
        if pos < last_end:
            continue
        if masked and any(s <= pos < e for s, e in masked):
            continue
        best: tuple[int, int, _Alias] | None = None
        for width in (3, 2, 1):
            candidates = index.get(norm[pos:pos + width])
            if not candidates:
                continue
            for alias in candidates:
                hit = alias.regex.match(norm, pos)
                if hit is None:
                    continue
                end = hit.end()
                if best is None or end > best[1] or (end == best[1] and alias.order < best[2].order):
                    best = (pos, end, alias)
        if best is not None:
            out.append(best)
            last_end = best[1]
    return out


def _accept_strict(found: list[tuple[int, int, _Alias]], norm: str) -> list[tuple[int, int, _Alias]]:
    ok = [not alias.strict for _, _, alias in found]
    changed = True
    while changed:
        changed = False
        for i, (start, end, _alias) in enumerate(found):
            if ok[i]:
                continue
            for j in (i - 1, i + 1):
                if not (0 <= j < len(found)) or not ok[j]:
                    continue
                lo, hi = (found[j][1], start) if j < i else (end, found[j][0])
                if hi - lo <= 12 and _LIST_GAP.fullmatch(norm, lo, hi):
                    ok[i] = changed = True
                    break
    return [f for f, keep in zip(found, ok, strict=True) if keep]


def _sap_lists(norm: str, tax: Taxonomy) -> list[tuple[int, int, str]]:
    if "sap" not in norm:
        return []
    out: list[tuple[int, int, str]] = []
    for m in _SAP_LIST.finditer(norm):
        base = m.start(2)
        for i, item in enumerate(_SAP_ITEM.finditer(m.group(2))):
            start = m.start() if i == 0 else base + item.start()
            for skill in _SAP_MODULES[item.group(0)]:
                if skill in tax.skills:
                    out.append((start, base + item.end(), skill))
    return out


# --------------------------------------------------------------------------------------------------
# Requirements
# --------------------------------------------------------------------------------------------------

_REQ_SPLIT = re.compile(r"[\n\r;•●▪◦·■►✓✔]+|(?<=\s)\d{1,2}[.)](?=\s+\D)|(?<=[.:])\s+[-–—*](?=\s*\w)")
_REQ_LEAD = re.compile(r"^(?:[-–—*+>]\s*|\(?\d{1,2}[.)]\s+|\(?[a-z][.)]\s+)+", re.I)


def requirements(job_text: str) -> list[str]:
    """Requirement/competency lines of a job text, split on newlines, bullets (•, -, *), ';' and
    numbered items; stripped, non-empty, deduplicated (case/accent-insensitively), in order.
    Pure headers ("Requisitos:", "Требования:") are dropped."""
    out: list[str] = []
    seen: set[str] = set()
    for piece in _REQ_SPLIT.split(job_text or ""):
        line = _REQ_LEAD.sub("", piece.strip()).strip().rstrip(";,. ").strip()
        if not line or line.endswith(":") or not any(ch.isalnum() for ch in line):
            continue
        key = " ".join(fold(line).split())
        if key not in seen:
            seen.add(key)
            out.append(line)
    return out


# --------------------------------------------------------------------------------------------------
# Language of the text
# --------------------------------------------------------------------------------------------------

_WORDS = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


# --------------------------------------------------------------------------------------------------
# Job or CV?
# --------------------------------------------------------------------------------------------------

_JOB_CUES = re.compile(
    r"(?im)^\s*(?:должность|требования|обязанности|условия|требуемый опыт|описание|вакансия)\s*:|"
    r"\b(?:requisitos|requirements|required|qualifications|responsibilities|responsabilidades|we are looking|"
    r"estamos contratando|buscamos|procuramos|desejavel|diferenciais|nice to have|must have|job description|"
    r"descricao da vaga|competencias? tecnicas|competencia_tecnicas|principais_atividades|requerimientos|"
    r"требуемый опыт|требования|обязанности|мы предлагаем|что мы предлагаем|приветствуется|"
    r"требуется|оформление по тк)\b"
)
_CV_CUES = re.compile(
    r"\b(?:ищет работу|пол, возраст|образование и вуз|последнее/нынешнее место работы|резюме|objetivo profissional|"
    r"objetivo|resumo profissional|historico profissional|experiencia profissional|formacao academica|"
    r"curriculum|curriculo|professional experience|work experience|professional summary|"
    r"experiencia laboral|formacion academica|sobre mim|about me)\b"
)


@lru_cache(maxsize=128)
def looks_like_job(text: str) -> bool:
    """Heuristic: does ``text`` read like a job description rather than a CV?"""
    norm = fold(text)
    return len(_JOB_CUES.findall(norm)) > 2 * len(_CV_CUES.findall(norm))


# --------------------------------------------------------------------------------------------------
# Language levels
# --------------------------------------------------------------------------------------------------

_LANG_WORDS: dict[str, str] = {
    "english": r"ingles(?:a)?|english|англ(?:ийск\w*|\.)?(?!\w)",
    "spanish": r"espanhol|espanol|spanish|castellano|испанск\w*",
}
_ANY_LANG = re.compile(
    r"(?<![^\W_])(?:ingles|english|англ|espanhol|espanol|spanish|castellano|испанск|frances|french|француз|"
    r"portugues|portuguese|португал|русск|russian|russo|ruso|"
    r"alemao|aleman|german|немец|italiano|italian|итальян|chines|chinese|китай|japones|japanese|японск)"
)
_LEVEL_WORDS: list[tuple[str, int]] = [
    (r"upper[\s\-]*intermediate|выше среднего|upper", 3),
    (r"pre[\s\-]*intermediate|elementary|elemental|со словарем", 1),
    (r"fluente|fluent|fluencia|fluency|fluidez|fluido|fluida|свободн\w*|native|nativo|nativa|bilingual|bilingue|"
     r"родн\w*|в совершенстве|proficient|proficiency|profici\w+", 4),
    (r"avancad[oa]|advanced|avanzad[oa]|продвинут\w*|excelente|excellent|отличн\w*|business|negocios", 3),
    (r"intermediari[oa]|intermediate|intermedi[oa]|medio|media|средн\w*|conversacao|conversational|"
     r"conversacional|tecnico|tecnica|technical|техническ\w*|reading|leitura|lectura|чтени\w*|читаю\w*|читать|"
     r"bom|boa|good|buen[oa]|хорош\w*", 2),
    (r"basic[oa]?|basic|beginner|iniciante|principiante|начальн\w*|базов\w*|elementar|rudimentar", 1),
    (r"nenhum|nenhuma|none|ninguno|ninguna|нет|не владею|no speak", 0),
]
_LEVEL_RE = re.compile("|".join(f"(?P<l{i}>(?<!\\w)(?:{p})(?!\\w))" for i, (p, _) in enumerate(_LEVEL_WORDS)))
_CEFR = re.compile(r"(?<![\w])([abcавс])([12])(?!\w)")
_CEFR_LEVEL = {("a", "1"): 1, ("a", "2"): 1, ("b", "1"): 2, ("b", "2"): 3, ("c", "1"): 3, ("c", "2"): 4}
_CYR_TO_LAT = {"а": "a", "в": "b", "с": "c"}


_ADJACENT_LEVEL = re.compile(rf"(?:{_LEVEL_RE.pattern}|{_CEFR.pattern})[\s\-]*$")
_LAST_LINK = re.compile(r"(?:,|\s(?:e|and|y|и|или|or|ou)\s)(?!.*(?:,|\s(?:e|and|y|и|или|or|ou)\s))")


def _levels_in(window: str) -> list[int]:
    levels = []
    for m in _CEFR.finditer(window):
        levels.append(_CEFR_LEVEL[(_CYR_TO_LAT.get(m.group(1), m.group(1)), m.group(2))])
    for m in _LEVEL_RE.finditer(window):
        assert m.lastgroup is not None
        levels.append(_LEVEL_WORDS[int(m.lastgroup[1:])][1])
    return levels


def language_levels(text: str) -> dict[str, int]:
    """``{"english": 0..4, "spanish": 0..4}`` for the languages mentioned with a level (see ``LEVELS``).

    Reads "inglês avançado", "Inglês: Fluente", "nivel_ingles: Técnico", "english B2/C1",
    "upper-intermediate", "fluent English", "английский — B1", "Английский язык: читаю профессиональную
    литературу" (2), "inglés intermedio"; CEFR A1/A2→1, B1→2, B2/C1→3, C2→4. The level is looked for
    right after the language word (up to the next language, line or ';'), else right before it.
    Several mentions: the highest level. A language named without any level is left out.
    """
    norm = fold(text)
    out: dict[str, int] = {}
    for lang, pattern in _LANG_WORDS.items():
        for m in re.finditer(rf"(?<![^\W_])(?:{pattern})", norm):
            before = norm[max(0, m.start() - 30): m.start()]
            before = re.split(r"[\n;.:(/]", before)[-1]
            others = list(_ANY_LANG.finditer(before))
            if others:
                prev = others[-1]
                # "Русский — Родной Английский": the level after another language is that language's;
                # "English and basic Spanish": after a comma/conjunction it is ours.
                pieces = _LAST_LINK.split(before[prev.end():])
                before = pieces[-1] if len(pieces) > 1 else ""
            else:
                before = before.split(",")[-1]
            adjacent = _ADJACENT_LEVEL.search(before)
            levels = _levels_in(adjacent.group(0)) if adjacent else []
            if not levels:
                after = norm[m.end(): m.end() + 60]
                after = re.split(r"[\n;]", after, maxsplit=1)[0]
                nxt = _ANY_LANG.search(after)
                if nxt:  # "fluent English and basic Spanish": "basic" belongs to Spanish
                    after = _LAST_LINK.split(after[: nxt.start()])[0]
                levels = _levels_in(after) or _levels_in(before)
            if levels:
                out[lang] = max(out.get(lang, 0), max(levels))
    return out


# --------------------------------------------------------------------------------------------------
# Years of experience
# --------------------------------------------------------------------------------------------------

_NUM_WORDS: dict[str, float] = {
    # pt / es / en
    "um": 1, "uma": 1, "un": 1, "uno": 1, "one": 1, "dois": 2, "duas": 2, "dos": 2, "two": 2, "tres": 3,
    "three": 3, "quatro": 4, "cuatro": 4, "four": 4, "cinco": 5, "five": 5, "seis": 6, "six": 6, "sete": 7,
    "siete": 7, "seven": 7, "oito": 8, "ocho": 8, "eight": 8, "nove": 9, "nueve": 9, "nine": 9, "dez": 10,
    "diez": 10, "ten": 10, "quinze": 15, "quince": 15, "fifteen": 15, "vinte": 20, "veinte": 20, "twenty": 20,
    # ru (genitive after "от"/"более")
    "одного": 1, "один": 1, "двух": 2, "два": 2, "трех": 3, "три": 3, "четырех": 4, "четыре": 4, "пяти": 5,
    "пять": 5, "шести": 6, "шесть": 6, "семи": 7, "восьми": 8, "десяти": 10, "десять": 10,
}
_NUM = r"(\d{1,2}(?:[.,]\d)?|" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True)) + r")(?:-?(?:х|ти|и|ми))?"
_YEAR = r"(?:лет|года|год|anos?|years?|yrs?)(?!\w)"
_MONTH = r"(?:месяц\w*|мес\.?|meses|mes|months?|mos\.?)(?!\w)"
_EXP_KW = re.compile(
    r"опыт|стаж|experienc|experiencia|atuacao|atuando|atuo|trabalh|carreira|career|work(?:ing|ed)?\b|"
    r"vivencia|background"
)
_RU_REQUIRED = re.compile(
    rf"требуемый опыт работы\s*:?\s*(?:(не требуется|без опыта)|(?:от|более|свыше)?\s*{_NUM}"
    rf"(?:\s*[-–]\s*{_NUM})?\s*(?:{_YEAR})?)"
)
_RU_TOTAL = re.compile(
    rf"опыт работы\s*:?\s*(?:опыт работы\s*)?{_NUM}\s*{_YEAR}(?:\s*{_NUM}\s*{_MONTH})?|"
    rf"опыт работы\s*:?\s*(?:опыт работы\s*)?{_NUM}\s*{_MONTH}"
)
_FROM_ONE = re.compile(r"(?:от|не менее|более|свыше)\s+(полугода|года)(?!\w)")
_BOUND = (
    r"(?:от|не менее|более|свыше|at least|minimum(?: of)?|min\.?|minimo(?: de)?|pelo menos|mais de|acima de|"
    r"no minimo|over|more than|al menos|mas de|como minimo|desde)"
)
_CLAIM = re.compile(
    rf"(?<![\w.,])(?:{_BOUND}\s+)?{_NUM}\s*\+?\s*(?:(?:-|a|to|ate|до)\s*{_NUM}\s*\+?\s*)?{_YEAR}"
    rf"(?:\s*(?:e|and|y|и)?\s*{_NUM}\s*{_MONTH})?"
)
_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        "jan janeiro january enero январь января янв",
        "fev fevereiro feb february febrero февраль февраля фев",
        "mar marco march marzo март марта",
        "abr abril apr april апрель апреля апр",
        "mai maio may mayo май мая",
        "jun junho june junio июнь июня",
        "jul julho july julio июль июля",
        "ago agosto aug august август августа авг",
        "set setembro sep sept september septiembre сентябрь сентября сен сент",
        "out outubro oct october octubre октябрь октября окт",
        "nov novembro november noviembre ноябрь ноября",
        "dez dezembro dec december diciembre декабрь декабря дек",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _i
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = rf"(?:(?:(\d{{1,2}})\s*/\s*|({_MONTH_NAME})\.?\s*(?:de\s+)?)?((?:19|20)\d\d))"
_NOW = r"(atual|atualmente|presente|present|now|current|hoje|actualidad|actual|по настоящее время|н\.\s?в\.|сейчас)"
_RANGE = re.compile(rf"(?<!\d){_DATE}\s*(?:-|a|ate|to|until|hasta|по|—)\s*(?:{_DATE}|{_NOW})")


def _num(token: str) -> float:
    token = token.replace(",", ".")
    return float(_NUM_WORDS[token]) if token in _NUM_WORDS else float(token)


def years_of_experience(text: str, *, job: bool | None = None) -> float | None:
    """Years of experience, one decimal.

    CV (``job=False``): the total claimed ("Опыт работы 3 года 11 месяцев" → 3.9, "mais de 10 anos de
    experiência" → 10, "10 anos em SAP"), the largest claim when several, else derived from date ranges
    ("09/2011 a atual" — "now" is the latest year written in the text, keeping the result deterministic).
    Job (``job=True``): the required minimum — the hh.ru field "Требуемый опыт работы: 1–3 года" (→ 1,
    "не требуется" → 0) when present, else the largest "at least N years" / "от 3 лет" / "experiência
    mínima de 2 anos" / "5+ years". ``job=None`` guesses with :func:`looks_like_job`.
    """
    norm = fold(text)
    is_job = looks_like_job(text) if job is None else job
    if is_job:
        m = _RU_REQUIRED.search(norm)
        if m:
            if m.group(1):
                return 0.0
            return round(_num(m.group(2)), 1)
    else:
        m = _RU_TOTAL.search(norm)
        if m:
            if m.group(1) is not None:
                years = _num(m.group(1)) + (_num(m.group(2)) / 12 if m.group(2) else 0.0)
            else:
                years = _num(m.group(3)) / 12
            return round(years, 1)
    claims = _experience_claims(norm)
    if claims:
        return round(max(claims), 1)
    if not is_job:
        derived = _years_from_ranges(norm)
        if derived:
            return round(derived, 1)
    return None


def _experience_claims(norm: str) -> list[float]:
    claims: list[float] = []
    for m in _CLAIM.finditer(norm):
        window = norm[max(0, m.start() - 60): m.end() + 40]
        tail = norm[m.end(): m.end() + 12]
        if not (_EXP_KW.search(window) or re.match(r"\s*(?:em|de|na|no|com|como|in|of|with|as|en|con)\s", tail)):
            continue
        if re.search(r"(?:idade|age|edad|возраст|родил|anos de idade|years old)", window):
            continue
        value = _num(m.group(1))
        if m.group(3):  # "N years and M months"
            value += _num(m.group(3)) / 12
        if value <= 50:
            claims.append(value)
    for m in _FROM_ONE.finditer(norm):
        if _EXP_KW.search(norm[max(0, m.start() - 60): m.end() + 40]):
            claims.append(0.5 if m.group(1) == "полугода" else 1.0)
    return claims


def _years_from_ranges(norm: str) -> float | None:
    years_written = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", norm)]
    if not years_written:
        return None
    now = max(years_written) * 12 + 11
    spans: list[tuple[int, int]] = []
    for m in _RANGE.finditer(norm):
        start = _month_index(m.group(1), m.group(2), m.group(3), default_month=1)
        end = now if m.group(7) else _month_index(m.group(4), m.group(5), m.group(6), default_month=12)
        if start is not None and end is not None and end >= start:
            spans.append((start, end))
    if not spans:
        return None
    spans.sort()
    total = 0
    cur_s, cur_e = spans[0]
    for s, e in spans[1:]:
        if s <= cur_e:
            cur_e = max(cur_e, e)
        else:
            total += cur_e - cur_s + 1
            cur_s, cur_e = s, e
    total += cur_e - cur_s + 1
    return total / 12


def _month_index(month_num: str | None, month_name: str | None, year: str | None, *, default_month: int) -> int | None:
    if year is None:
        return None
    month = default_month
    if month_num:
        month = int(month_num)
    elif month_name:
        month = _MONTHS.get(month_name.rstrip("."), default_month)
    if not 1 <= month <= 12:
        return None
    return int(year) * 12 + month - 1


# --------------------------------------------------------------------------------------------------
# Seniority
# --------------------------------------------------------------------------------------------------

_SENIORITY_WORDS: list[tuple[str, int]] = [
    (r"estagiari[oa]s?|estagio|intern|internship|becari[oa]|pasante|practicante|aprendiz|стажер\w*|стажировк\w*|"
     r"практикант\w*", 0),
    (r"junior|jr\.?|trainee|entry[\s\-]level|младш\w*|начинающ\w*", 1),
    (r"pleno|pl(?!\s*/\s*sql)|middle|mid[\s\-]?level|mid|semi[\s\-]?senior|ssr", 2),
    (r"senior|sr\.?|ведущ\w*|старш\w*", 3),
    (r"tech[\s\-]?lead|team[\s\-]?lead|lead|especialista|specialist|lider|leader|architect|arquitet[oa]|"
     r"arquitect[oa]|principal|staff engineer|supervisor|supervisora|архитектор\w*|главн\w*|тимлид\w*|"
     r"тим[\s\-]лид\w*|бригадир\w*", 4),
    (r"manager|gerente|gestor|gestora|coordenador[a]?|coordinator|coordinador[a]?|head of|head|director|"
     r"diretor[a]?|directora?|chefe|jefe|cto|cio|cfo|ceo|vp|руководител\w*|начальник\w*|директор\w*|"
     r"заведующ\w*", 5),
]
# Role words that only imply a level when no explicit level word is given ("Analista de Suporte Jr" → 1).
_ROLE_WORDS: list[tuple[str, int]] = [
    (r"assistente|assistant|auxiliar|asistente", 1),
    (r"analista|analyst|аналитик\w*", 2),
]
_SENIORITY_RE = re.compile(
    "|".join(f"(?P<s{i}>(?<![\\w.])(?:{p})(?![\\w]))" for i, (p, _) in enumerate(_SENIORITY_WORDS))
)
_ROLE_RE = re.compile("|".join(f"(?P<r{i}>(?<![\\w.])(?:{p})(?![\\w]))" for i, (p, _) in enumerate(_ROLE_WORDS)))
_NOT_SENIORITY = re.compile(r"account manager|gerente de contas|менеджер|lead generation|head office|head hunter")
_TITLE_FIELDS = re.compile(
    r"(?im)^[ \t]*(ищет работу на должность|должность|последняя/нынешняя должность|titulo(?:_vaga| da vaga)?|"
    r"titulo profissional|titulo_profissional|cargo(?: atual| pretendido)?|position|job title|title|puesto|"
    r"nivel profissional|nivel_profissional|seniority|senioridade|nivel)[ \t]*[:=\-][ \t]*(.+)$"
)


_BODY_START = re.compile(
    r"(?im)^[ \t]*(?:описание|обязанности|требования|description|descricao|descripcion|responsabilidades|"
    r"responsibilities|requisitos|requirements|atividades|principais_atividades|about)\b"
)


def _seniority_in(fragments: list[str]) -> int | None:
    """Strongest explicit level word in ``fragments``; role words ("analista") only when there is none."""
    strong: list[int] = []
    roles: list[int] = []
    for fragment in fragments:
        clean = _NOT_SENIORITY.sub(" ", fragment)
        strong += [_SENIORITY_WORDS[int(m.lastgroup[1:])][1] for m in _SENIORITY_RE.finditer(clean) if m.lastgroup]
        roles += [_ROLE_WORDS[int(m.lastgroup[1:])][1] for m in _ROLE_RE.finditer(clean) if m.lastgroup]
    if strong:
        return max(strong)
    return max(roles) if roles else None


def seniority(text: str) -> int | None:
    """Seniority level 0..5 (see ``LEVELS["seniority"]``).

    Title words first: the strongest level named in title fields ("Ищет работу на должность:",
    "Должность:", "titulo_vaga:", "Cargo:", "nivel profissional:"...; the first of each kind, so a past
    job's "cargo: ... jr" does not count) or the first line; if none,
    the strongest mention in the first 300 characters; else None. "Менеджер по продажам"/"account
    manager" are not management levels.
    """
    norm = fold(text)
    fields: dict[str, str] = {}
    for m in _TITLE_FIELDS.finditer(norm):
        fields.setdefault(m.group(1), m.group(2))  # first "cargo:" is the current one, not a past job
    fragments = list(fields.values())
    first_line = next((line for line in norm.splitlines() if line.strip()), "")
    fragments.append(first_line[:150])
    level = _seniority_in(fragments)
    if level is None:
        head = norm[:300]
        body = _BODY_START.search(head)
        head = _TITLE_FIELDS.sub(" ", head[: body.start()] if body else head)  # already read above
        level = _seniority_in([head])
    return level


# --------------------------------------------------------------------------------------------------
# Education
# --------------------------------------------------------------------------------------------------

_INCOMPLETE_BEFORE = re.compile(
    r"(?:неоконченн\w*|незаконченн\w*|неполн\w*|incomplete|unfinished|cursando|cursa|fazendo|estudando|studying|"
    r"pursuing|currently enrolled in|enrolled in|estudiante de|учусь в|обучаюсь в)\s*(?:(?:um|uma|o|a|an?|the)\s+)?$"
)
_INCOMPLETE_AFTER = re.compile(
    r"^(?:[^;,.\n]{0,60}?[\s(\-:])?\s*(?:incomplet[oa]|em andamento|cursando|trancad[oa]|interrompid[oa]|"
    r"in progress|ongoing|en curso|incomplete|не законч\w*|студент\w*)(?!\w)"
)
_EDU_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(rf"(?<!\w)(?:{p})(?!\w)"), lvl)
    for p, lvl in (
        (r"(?:неоконченн\w*|незаконченн\w*|неполн\w*)\s+высш\w*|superior incomplet[oa]|superior cursando|"
         r"ensino superior (?:incomplet[oa]|cursando|em andamento)|graduacao (?:incomplet[oa]|em andamento)|"
         r"cursando (?:ensino superior|graduacao|faculdade|bacharelado|engenharia|administracao|ciencia|sistemas|"
         r"analise)|some college|incomplete (?:bachelor|degree|higher)|universitario incomplet[oa]", 3),
        (r"pos[\s\-]?graduac\w*|pos[\s\-]?graduad[oa]|especializacao|\bmba\b|mestrad[oa]|mestre\b|doutorad[oa]|"
         r"doutor\b|ph\.?\s?d|master'?s|master of|master degree|masters degree|m\.?sc\b|postgraduate|post-graduate|"
         r"maestria|doctorado|posgrado|магистр\w*|магистратур\w*|аспирантур\w*|кандидат\w* \w* ?наук|"
         r"доктор\w* \w* ?наук", 5),
        (r"ensino superior|superior complet[oa]|nivel superior|formacao superior|curso superior|"
         r"(?<!pos-)(?<!pos )graduacao|graduad[oa] em|bacharel\w*|licenciatura|tecnolog[oa] em|tecnologo|"
         r"bachelor'?s?|b\.?sc\b|university degree|college degree|degree in|undergraduate degree|"
         r"titulo universitario|licenciad[oa]|universitario|"
         r"высш(?:ее|его|ем|им)\b(?!\s+(?:качеств|уровн|категори|пилотаж|лиг|балл|степен|мер|звен|руковод))|"
         r"бакалавр\w*|специалитет", 4),
        (r"ensino tecnico|curso tecnico|tecnico em|formacao tecnica|nivel tecnico|tecnico complet[oa]|"
         r"technical degree|vocational|associate degree|formacion profesional|tecnico superior|"
         r"средн\w*[\s\-]+специальн\w*|средне[\s\-]+специальн\w*|средн\w*[\s\-]+профессиональн\w*|"
         r"средн\w*[\s\-]+техническ\w*|начальн\w*[\s\-]+профессиональн\w*|техникум\w*|колледж\w*|"
         r"училищ\w*|\bпту\b", 2),
        (r"ensino medio|segundo grau|2o grau|high school|secondary school|secondary education|bachillerato|"
         r"secundaria|среднее(?: общее| полное)?(?=[\s/,.;)]|$)(?![\s/]*(?:специальн|профессиональн|техническ))|"
         r"среднего общего", 1),
        (r"ensino fundamental|primary school|primaria|основн\w* общ\w*", 0),
    )
]


_INSTITUTION = re.compile(
    r"(?<!\w)(?:faculdade|universidade|centro universitario|universidad|university|college|instituto federal)(?!\w)"
)


def education_level(text: str, *, job: bool | None = None) -> int | None:
    """Education level 0..5 (see ``LEVELS["education"]``).

    CV (``job=False``): the highest completed level (an incomplete/ongoing degree counts one below
    higher, i.e. "Неоконченное высшее" / "Superior incompleto" / "cursando MBA" → 3 / 3 / 4).
    Job (``job=True``): the required minimum — the lowest level named ("Высшее профессиональное,
    среднее профессиональное" → 2, "Ensino Superior Completo" → 4). ``job=None`` guesses.
    """
    norm = fold(text)
    is_job = looks_like_job(text) if job is None else job
    taken: list[tuple[int, int]] = []
    levels: list[int] = []
    for pattern, level in _EDU_PATTERNS:
        for m in pattern.finditer(norm):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            lvl = level
            if level in (4, 5) and (
                _INCOMPLETE_BEFORE.search(norm[max(0, m.start() - 25): m.start()])
                or _INCOMPLETE_AFTER.match(norm[m.end(): m.end() + 70])
            ):
                lvl = level - 1
            levels.append(lvl)
    if not levels:
        # "Administração, Faculdade X – conclusão em 2009" / "… – cursando": a higher-education
        # institution with no level stated.
        for m in _INSTITUTION.finditer(norm):
            levels.append(3 if _INCOMPLETE_AFTER.match(norm[m.end(): m.end() + 70]) else 4)
    if not levels:
        return None
    return min(levels) if is_job else max(levels)


# --------------------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------------------

# canonical -> folded patterns (regex). Ambiguous names (surnames, common words) need a state suffix.
_CITIES: dict[str, str] = {
    # Brazil
    "são paulo": r"sao paulo(?![\s\-]*(?:state|estado))",
    "rio de janeiro": r"rio de janeiro",
    "belo horizonte": r"belo horizonte",
    "brasília": r"brasilia",
    "salvador": r"salvador",
    "fortaleza": r"fortaleza",
    "recife": r"recife",
    "porto alegre": r"porto alegre",
    "curitiba": r"curitiba",
    "manaus": r"manaus",
    "belém": r"belem(?=\s*[-/,(]\s*pa\b)",
    "goiânia": r"goiania",
    "campinas": r"campinas",
    "são luís": r"sao luis",
    "maceió": r"maceio",
    "natal": r"natal(?=\s*[-/,(]\s*rn\b)",
    "teresina": r"teresina",
    "joão pessoa": r"joao pessoa(?=\s*[-/,(]\s*pb\b)",
    "aracaju": r"aracaju",
    "cuiabá": r"cuiaba",
    "campo grande": r"campo grande(?=\s*[-/,(]\s*ms\b)",
    "florianópolis": r"florianopolis",
    "vitória": r"vitoria(?=\s*[-/,(]\s*es\b)",
    "porto velho": r"porto velho",
    "santos": r"santos(?=\s*[-/,(]\s*sp\b)",
    "guarulhos": r"guarulhos",
    "osasco": r"osasco",
    "barueri": r"barueri",
    "alphaville": r"alphaville",
    "santo andré": r"santo andre",
    "são bernardo do campo": r"sao bernardo do campo",
    "são josé dos campos": r"sao jose dos campos",
    "sorocaba": r"sorocaba",
    "ribeirão preto": r"ribeirao preto",
    "jundiaí": r"jundiai",
    "hortolândia": r"hortolandia",
    "uberlândia": r"uberlandia",
    "contagem": r"contagem(?=\s*[-/,(]\s*mg\b)",
    "nova lima": r"nova lima",
    "niterói": r"niteroi",
    "joinville": r"joinville",
    "londrina": r"londrina",
    "blumenau": r"blumenau",
    "juiz de fora": r"juiz de fora",
    # Russia / Belarus
    "moscow": r"москв(?:а|е|ы|у|ой)(?!\w)|moscow|moscou|moscu|новомосковск\w* (?:административн\w* )?округ\w*|"
              r"зеленоград\w*",
    "saint petersburg": r"санкт[\s\-]*петербург\w*|петербург\w*|спб(?!\w)|питер(?:е|а)?(?!\w)|saint[\s\-]petersburg|"
                        r"st\.?\s?petersburg|sao petersburgo",
    "novosibirsk": r"новосибирск(?:а|е|у|ом)?(?!\w)|novosibirsk",
    "kaliningrad": r"калининград(?:а|е|у|ом)?(?!\w)|kaliningrad",
    "sovetsk": r"советск(?:а|е|у|ом)?(?!\w)",
    "yekaterinburg": r"екатеринбург\w*|yekaterinburg",
    "kazan": r"казан(?:ь|и|ью)(?!\w)|kazan",
    "nizhny novgorod": r"нижн\w+ новгород\w*|nizhny novgorod",
    "chelyabinsk": r"челябинск(?:а|е|у|ом)?(?!\w)",
    "samara": r"самар(?:а|е|ы|у|ой)(?!\w)",
    "omsk": r"омск(?:а|е|у|ом)?(?!\w)",
    "tomsk": r"томск(?:а|е|у|ом)?(?!\w)",
    "rostov-on-don": r"ростов\w*[\s\-]на[\s\-]дону",
    "ufa": r"уф(?:а|е|ы|у|ой)(?!\w)",
    "krasnoyarsk": r"красноярск(?:а|е|у|ом)?(?!\w)",
    "perm": r"перм(?:ь|и)(?!\w)",
    "voronezh": r"воронеж(?:а|е|у|ем)?(?!\w)",
    "volgograd": r"волгоград(?:а|е|у|ом)?(?!\w)",
    "krasnodar": r"краснодар(?:а|е|у|ом)?(?!\w)",
    "saratov": r"саратов(?:а|е|у|ом)?(?!\w)",
    "tyumen": r"тюмен(?:ь|и)(?!\w)",
    "yaroslavl": r"ярославл(?:ь|я|е)(?!\w)",
    "vladivostok": r"владивосток\w*",
    "irkutsk": r"иркутск(?:а|е|у|ом)?(?!\w)",
    "khabarovsk": r"хабаровск(?:а|е|у|ом)?(?!\w)",
    "tula": r"тул(?:а|е|ы|у|ой)(?!\w)",
    "tver": r"твер(?:ь|и)(?!\w)",
    "belgorod": r"белгород(?:а|е|у|ом)?(?!\w)",
    "stary oskol": r"стар\w+ оскол\w*",
    "obninsk": r"обнинск(?:а|е|у|ом)?(?!\w)",
    "podolsk": r"подольск(?:а|е|у|ом)?(?!\w)",
    "korolyov": r"королев(?=\s*[,(]|\s*$)",
    "kaluga": r"калуг(?:а|е|и|у|ой)(?!\w)",
    "cheboksary": r"чебоксар(?:ы|ах)(?!\w)",
    "sochi": r"сочи(?!\w)",
    "velikiye luki": r"велики\w+ лук\w*",
    "minsk": r"минск(?:а|е|у|ом)?(?!\w)|minsk",
    "vorkuta": r"воркут(?:а|е|ы|у)(?!\w)",
    # Spanish-speaking, LatAm, US, Europe
    "madrid": r"madrid",
    "barcelona": r"barcelona",
    "sevilla": r"sevilla|seville",
    "buenos aires": r"buenos aires",
    "santiago": r"santiago de chile|santiago(?=\s*[-,(]\s*chile)",
    "lima": r"lima(?=\s*[-,(/]\s*peru)",
    "bogotá": r"bogota",
    "medellín": r"medellin",
    "mexico city": r"ciudad de mexico|cidade do mexico|mexico city|cdmx",
    "guadalajara": r"guadalajara",
    "montevideo": r"montevideo|montevideu",
    "new york": r"new york|nova york|nueva york|nyc",
    "san francisco": r"san francisco",
    "miami": r"miami",
    "seattle": r"seattle",
    "chicago": r"chicago",
    "boston": r"boston",
    "los angeles": r"los angeles",
    "toronto": r"toronto",
    "london": r"london|londres",
    "lisbon": r"lisboa|lisbon",
}


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, cur, escaped = [], 0, [], False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur))
    return parts


def _build_city_index() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    index: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for city, pattern in _CITIES.items():
        for alt in _top_level_alternatives(pattern):
            head = re.match(r"[a-zа-я]{2,3}", alt)
            if head is None:
                raise ValueError(f"city pattern {alt!r} must start with 2-3 literal letters")
            index.setdefault(head.group(0), []).append((city, re.compile(f"(?:{alt})(?!\\w)")))
    return {k: tuple(v) for k, v in index.items()}


_CITY_INDEX = _build_city_index()
_WORD_START = re.compile(r"(?<!\w)\w")
_LOCATION_FIELDS = re.compile(
    r"(?im)^[ \t]*(?:город[^:\n]*|локация|адрес|местоположение|регион|cidade|local(?: de trabalho)?|localizacao|"
    r"localidade|endereco|location|city|address|ciudad|ubicacion|localizacion)[ \t]*:[ \t]*(.*)$"
)
_NEGATION = re.compile(r"(?:\b(?:не|not|no|sem|nao|sin|nem|never|nunca)\s+(?:\w+\s+)?)$")
_REMOTE = re.compile(
    r"(?<!\w)(?:remot[oa]|remote(?![\s\-]+(?:access|support|desktop|monitoring|assistance))|home[\s\-]?office|"
    r"teletrabalho|teletrabajo|trabajo a distancia|work from home|wfh|"
    r"удал[её]нн\w*[\s\-]+(?:работ\w*|формат\w*|режим\w*|занятост\w*)|удал[её]нно|удал[её]нк\w*|"
    r"дистанционн\w*[\s\-]+работ\w*)(?!\w)"
)
_REMOTE_EXCLUDE_BEFORE = re.compile(r"(?:acesso|suporte|assistencia|acceso|soporte|monitoramento)\s+$")
_REMOTE_NEG_AFTER = re.compile(r"^[\s\-:,]*(?:\w+\s+){0,2}(?:не рассматрива\w*|не предусмотрен\w*|не возможн\w*|невозможн\w*|"
                               r"nao e possivel|not possible|not available|no disponible)")
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
            for city, regex in _CITY_INDEX.get(fragment[pos:pos + width], ()):
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
        before = norm[max(0, m.start() - 25): m.start()]
        if _NEGATION.search(before) or _REMOTE_EXCLUDE_BEFORE.search(before):
            continue
        if _REMOTE_NEG_AFTER.match(norm[m.end(): m.end() + 30]):
            continue
        out.add("remote")
        break
    for m in _RELOCATE.finditer(norm):
        if not _NEGATION.search(norm[max(0, m.start() - 25): m.start()]):
            out.add("relocate")
            break
    return out


# --------------------------------------------------------------------------------------------------
# Salary
# --------------------------------------------------------------------------------------------------

_CUR = (
    r"(?P<{n}>r\$|us\$|usd|brl|rub|eur|€|£|₽|\$|руб\w*\.?|р\.|reais|real|dolares|dollars?|euros?|pesos?)"
)
_AMT = r"(?P<{n}>\d{{1,3}}(?:[ .,]\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?)(?:\s*(?P<{m}>million|mil|mi|млн|k|тыс\w*)(?!\w)\.?)?"
_SAL_LABEL = re.compile(
    r"(?im)(?:заработн\w* плат\w*|зарплат\w*|з/п|оклад|доход|salario|salary|remuneracao|remuneracion|"
    r"pretensao salarial|pretensao|faixa salarial|compensation|sueldo|valor hora|valor/hora)[^\n]*"
)


def _amount_pattern(i: int) -> str:
    return (
        rf"(?:{_CUR.format(n=f'c{i}a')}\s*)?{_AMT.format(n=f'a{i}', m=f'm{i}')}(?:\s*{_CUR.format(n=f'c{i}b')})?"
    )


_SAL_RANGE = re.compile(
    rf"(?:от|de|from|entre|desde)?\s*{_amount_pattern(1)}\s*(?:-|до|a|ate|to|y|e|and|hasta)\s*{_amount_pattern(2)}"
)
_SAL_ONE = re.compile(rf"(?P<bound>от|до|a partir de|from|up to|ate|hasta|desde|de)?\s*{_amount_pattern(1)}")
_HOURLY = re.compile(r"^\s*(?:/\s*(?:h|hr|hora|hour|час)\b|por hora|per hour|an hour|/hora|в час|за час|por hr)")
_CURRENCY_CODES = {"r$": "BRL", "brl": "BRL", "reais": "BRL", "real": "BRL", "us$": "USD", "usd": "USD", "$": "USD",
                   "dolares": "USD", "dollar": "USD", "dollars": "USD", "eur": "EUR", "€": "EUR", "euro": "EUR",
                   "euros": "EUR", "£": "GBP", "₽": "RUB", "rub": "RUB", "р.": "RUB", "peso": "ARS/MXN",
                   "pesos": "ARS/MXN"}


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    token = token.strip()
    if token.startswith("руб"):
        return "RUB"
    return _CURRENCY_CODES.get(token)


def _amount(digits: str, mult: str | None) -> float:
    s = digits.replace(" ", "")
    if "." in s and "," in s:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        s = s.replace("," if dec == "." else ".", "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        if len(parts[-1]) == 3 and (len(parts) > 2 or 1 <= len(parts[0]) <= 3):
            s = s.replace(sep, "")
        else:
            s = s.replace(sep, ".")
    value = float(s)
    if mult:
        value *= 1_000_000 if mult in ("млн", "mi", "million") else 1000  # k, mil, тыс.
    return value


def salary(text: str) -> tuple[float | None, float | None, str | None]:
    """``(min, max, currency)`` of the salary in ``text``.

    Looks at salary-labelled lines first ("Заработная плата:", "Salário:", "Pretensão salarial:"...),
    then at any amount with a currency. "от 80 000 ₽" → (80000, None, "RUB"), "до 65 000 ₽" →
    (None, 65000, "RUB"), "от 70 000 до 120 000 ₽" → (70000, 120000, "RUB"), a single figure
    ("Заработная плата: 70000 руб.", "R$ 6.000,00") → (x, x, cur); "PJ R$ 72,00/hora" → (72, 72, "BRL/h");
    "$120k-$150k" → (120000, 150000, "USD"). A labelled amount without a currency gets the text's
    language currency (pt → BRL, ru → RUB). Nothing found → (None, None, None).
    """
    norm = fold(text)
    for line in (m.group(0) for m in _SAL_LABEL.finditer(norm)):
        got = _parse_salary(line, labelled=True, text=text)
        if got[0] is not None or got[1] is not None:
            return got
    for line in norm.splitlines():
        if re.search(r"r\$|us\$|[€£₽$]|руб|\b(?:usd|brl|eur|rub)\b", line):
            got = _parse_salary(line, labelled=False, text=text)
            if got[0] is not None or got[1] is not None:
                return got
    return (None, None, None)


def _parse_salary(line: str, *, labelled: bool, text: str) -> tuple[float | None, float | None, str | None]:
    lo: float | None
    hi: float | None
    m = _SAL_RANGE.search(line)
    if m and (m.group("c1a") or m.group("c1b") or m.group("c2a") or m.group("c2b") or labelled):
        cur = _currency(m.group("c1a") or m.group("c2a") or m.group("c1b") or m.group("c2b"))
        lo, hi = _amount(m.group("a1"), m.group("m1")), _amount(m.group("a2"), m.group("m2"))
        if m.group("m2") and not m.group("m1"):  # "5 a 7 mil", "от 100 до 150 тыс."
            lo = min(_amount(m.group("a1"), m.group("m2")), hi)
        tail = line[m.end():]
    else:
        for m in _SAL_ONE.finditer(line):
            cur_tok = m.group("c1a") or m.group("c1b")
            if not cur_tok and not labelled:
                continue
            value = _amount(m.group("a1"), m.group("m1"))
            if value < 10 and not cur_tok:
                continue
            bound = m.group("bound")
            cur = _currency(cur_tok)
            lo, hi = value, value
            if bound in ("от", "a partir de", "from", "desde"):
                hi = None
            elif bound in ("до", "up to", "ate", "hasta"):
                lo = None
            tail = line[m.end():]
            break
        else:
            return (None, None, None)
    if cur is None and labelled:
        cur = {"pt": "BRL", "ru": "RUB"}.get(detect_language(text))
    if cur and _HOURLY.match(tail):
        cur += "/h"
    return (lo, hi, cur)


# --------------------------------------------------------------------------------------------------
# Electrical safety clearance group (группа допуска по электробезопасности)
# --------------------------------------------------------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_GROUP_NUM = r"(?:v|iv|iii|ii|i|[1-5])"
_ESG_BEFORE = re.compile(rf"(?<![\w])({_GROUP_NUM})(?:-?(?:я|ая|ой|ю))?\s+групп\w*(?:\s+(?:по\s+)?(?:электробезопасност\w*|допуск\w*|эб))")
_ESG_AFTER = re.compile(
    rf"групп\w*\s+(?:допуск\w*|(?:по\s+)?(?:электробезопасност\w*|эб))(?:\s+(?:по\s+)?электробезопасност\w*)?"
    rf"[\s:,\-]*(?:не ниже\s+)?((?:{_GROUP_NUM})(?:\s*(?:,|/|-|и)\s*(?:{_GROUP_NUM}))*)(?![\w])"
)


def electrical_safety_group(text: str) -> int | None:
    """Highest electrical-safety clearance group (I..V) mentioned ("4 группа по электробезопасности",
    "Группа допуска III, IV, V", "группы по электробезопасности не ниже 3"), or None."""
    norm = fold(text)
    found: list[int] = []
    for m in _ESG_BEFORE.finditer(norm):
        found.append(_group_value(m.group(1)))
    for m in _ESG_AFTER.finditer(norm):
        found.extend(_group_value(tok) for tok in re.findall(_GROUP_NUM, m.group(1)))
    return max(found) if found else None


def _group_value(token: str) -> int:
    return _ROMAN[token] if token in _ROMAN else int(token)

