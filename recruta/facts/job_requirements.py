"""A job's requirement lines, and the skills it actually asks for.

A job text is more than its requirements: a title ("Engenheiro(a) de Dados Sênior — Varejo Nacional"), a paragraph
about the company or its client ("uma das maiores redes de varejo do país"), benefits, contract and place. Only the
requirement, nice-to-have and responsibility lines say what a candidate needs, so only they yield the skills a CV is
measured against — the sector a company works in is not a skill its engineer lacks. :func:`job_lines` labels every
line with what it is (the headings and labels are data: ``data/job_sections.json``); :func:`job_skills` reads the
skills named on requirement lines, each with the line that names it, leaving out a skill only implied by another
("Helm" asks for Helm, not for Docker) and a domain named as context: the sector ("cliente do setor
telecomunicações") or the subject of the data ("relatórios de vendas").

(Not named ``requirements``, so it does not shadow the function re-exported as ``recruta.facts.requirements``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from recruta.facts.skills import Evidence, skill_mentions
from recruta.facts.tables import table
from recruta.facts.taxonomy import Taxonomy, load_taxonomy
from recruta.text.fold import fold
from recruta.text.language import detect_language

__all__ = [
    "SKILL_KINDS",
    "JobLine",
    "JobSkill",
    "LineKind",
    "job_lines",
    "job_skills",
    "requirement_lines",
    "requirements",
]

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


# --------------------------------------------------------------------------- lines and what they are
LineKind = Literal[
    "title", "requirement", "preferred", "responsibility", "company", "benefits", "field", "heading", "other"
]
#: The kinds of line a job's skills are read from.
SKILL_KINDS: frozenset[str] = frozenset({"requirement", "preferred", "responsibility"})
_SECTION_KINDS = ("title", "preferred", "requirement", "responsibility", "company", "benefits", "field")


@dataclass(frozen=True, kw_only=True)
class JobLine:
    """One line of a job text (a bullet, an item after ';', a labelled field's value) and what kind of line it is."""

    text: str  # exact substring of the job text
    start: int  # offset of ``text`` in the job text
    kind: LineKind
    unheaded: bool = False  # a nice-to-have by its own mark ("Inglês desejável") under no heading of skills

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@lru_cache(maxsize=1)
def _label_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(a heading word at a line start, a label before ':' at a line start, a label before ':' inside a line) —
    each with one named group per kind, so ``lastgroup`` says which kind matched."""
    kinds: dict[str, list[str]] = table("job_sections")["kinds"]
    groups = "|".join(f"(?P<{kind}>{'|'.join(kinds[kind])})" for kind in _SECTION_KINDS)
    heading = re.compile(rf"(?:{groups})(?!\w)", re.I)
    label = re.compile(rf"(?:{groups})\s*[:\-]\s*(?=\S)", re.I)
    # Inside a line, only after a sentence or another label ("Описание: Обязанности: ... Требования: ...").
    inline = re.compile(rf"(?:(?<=[.;:!?)])|(?<=[.;:!?)] )|(?<=\s\s))\s*(?:{groups})\s*:\s*")
    return heading, label, inline


@lru_cache(maxsize=1)
def _capitalised_inline() -> re.Pattern[str]:
    """A known heading with its ':' right after a word, for text whose double spaces were collapsed (pasted text is
    normalised: "…продление рекламы Что предлагаем: Аккредитованная…"); it cuts only where the original is
    capitalised there, as a heading is."""
    kinds: dict[str, list[str]] = table("job_sections")["kinds"]
    groups = "|".join(f"(?P<{kind}>{'|'.join(kinds[kind])})" for kind in _SECTION_KINDS if kind != "title")
    return re.compile(rf"(?<=\w )(?:{groups})\s*:\s*(?=\S)")


# A line that describes the company rather than the job, wherever it stands.
_COMPANY_LINE = re.compile(
    r"^(?:somos|nossa empresa|nosso cliente|a empresa|a companhia|fundada em|we are|we're|our (?:company|client|team) "
    r"(?:is|are)|founded in|somos una?|nuestra empresa|nuestro cliente|la empresa|мы\s*[-—–]|наша компания|компания\s)"
)


@lru_cache(maxsize=1)
def _preferred_line() -> re.Pattern[str]:
    """A line that marks itself a nice-to-have, wherever its heading puts it ("desejável: Kafka", "Java ou Spring
    (desejável)", "Kafka is a plus"): the marks are data (``job_sections.json``, ``preferred_marks``)."""
    marks: dict[str, list[str]] = table("job_sections")["preferred_marks"]
    return re.compile(rf"^(?:{'|'.join(marks['start'])})|(?:{'|'.join(marks['anywhere'])})")


def _pieces(line: str, base: int) -> list[tuple[int, str]]:
    """A physical line cut at bullets, ';' and numbered items, each piece with its offset, bullets stripped."""
    out: list[tuple[int, str]] = []
    pos = 0
    for m in [*_REQ_SPLIT.finditer(line), None]:
        end = m.start() if m is not None else len(line)
        piece = line[pos:end]
        lead = _REQ_LEAD.match(piece.lstrip())
        skip = len(piece) - len(piece.lstrip()) + (lead.end() if lead else 0)
        text = piece[skip:].rstrip()
        if text and any(ch.isalnum() for ch in text):
            out.append((base + pos + skip, text))
        if m is not None:
            pos = m.end()
    return out


# A hard-wrapped paragraph (a JD pasted from a PDF or an e-mail, ~80–100 characters a line): a physical line that
# continues the one before it — that one long and open (no closing punctuation), this one no bullet nor label, and
# starting in lower case or after a word a clause cannot end on ("…orchestration with Kubernetes or" / "ECS;").
_WRAP_WIDTH = 60
_OPEN_END = re.compile(
    r"(?<!\w)(?:a|an|the|and|or|of|with|for|to|in|on|by|as|at|from|via|e|ou|de|do|da|dos|das|com|em|no|na|para|"
    r"por|um|uma|y|o|con|en|del|el|la|los|las|и|в|с|на|по|для|или)$"
)


def _continues(previous: str, line: str, original: str) -> bool:
    """Does physical ``line`` (folded; ``original`` as written) continue the wrapped ``previous`` one?"""
    prev = previous.rstrip()
    body = line.lstrip()
    if len(prev.strip()) < _WRAP_WIDTH or not body or prev.endswith((".", ":", ";", "!", "?")):
        return False
    if _REQ_LEAD.match(body) or _REQ_SPLIT.match(body) or _label_patterns()[1].match(body):
        return False
    first = original.lstrip()[:1]
    return first.islower() or first == "(" or bool(_OPEN_END.search(prev))


def _logical_lines(norm: str, job_text: str) -> list[tuple[int, str]]:
    """The folded text's lines with each hard-wrapped paragraph joined into one (the joining newline read as a
    space, so offsets still map 1:1 to the job text): (offset, line)."""
    out: list[tuple[int, str]] = []
    offset = 0
    for raw in norm.split("\n"):
        if out and _continues(out[-1][1], raw, job_text[offset : offset + len(raw)]):
            out[-1] = (out[-1][0], f"{out[-1][1]} {raw}")
        else:
            out.append((offset, raw))
        offset += len(raw) + 1
    return out


def job_lines(job_text: str) -> list[JobLine]:
    """Every line of a job text with its kind.

    Headings ("Requisitos:", "Responsibilities", "Sobre a empresa", "Обязанности:") set the kind of the lines under
    them; a label ("Principais atividades: …", "Cliente: …", "Local: …") sets the kind of its own value and of the
    lines that follow; headings inside a line ("Описание: Обязанности: … Требования: …") cut it. A hard-wrapped
    paragraph is one line (:func:`_continues`), so a quote is never half a sentence ("ECS" for AWS). The first line,
    when short, unlabelled and followed by more, is the title. A line that presents the company ("Somos…",
    "We are…") is company text wherever it stands; lines before any heading are ``"other"``.
    """
    heading, label, inline = _label_patterns()
    norm = fold(job_text or "")
    out: list[JobLine] = []
    state: LineKind = "other"
    first = True
    physical = _logical_lines(norm, job_text)
    for n, (base, raw) in enumerate(physical):
        stripped = raw.strip()
        if not stripped:
            continue
        # Cut the line where a heading starts inside it; each part has its own kind.
        heads = {m.start() for m in inline.finditer(raw) if m.start() > 0}
        heads |= {m.start() for m in _capitalised_inline().finditer(raw) if job_text[base + m.start()].isupper()}
        cuts = [0, *sorted(heads)]
        parts = [(cuts[i], raw[cuts[i] : cuts[i + 1] if i + 1 < len(cuts) else len(raw)]) for i in range(len(cuts))]
        for part_start, part in parts:
            lead = len(part) - len(part.lstrip())
            body = part.lstrip()
            bullet = _REQ_LEAD.match(body)
            if bullet:
                lead, body = lead + bullet.end(), body[bullet.end() :]
            kind: LineKind | None = None
            words = body.rstrip().rstrip(":.-").rstrip()
            known = heading.match(words)
            is_heading = (known is not None and known.end() == len(words)) or (
                body.rstrip().endswith(":") and len(words) <= 60 and ":" not in words
            )
            if is_heading:
                # A heading sets the kind of the lines under it; one we do not know ("Você vai:") makes them "other".
                state = known.lastgroup if known is not None and known.lastgroup != "title" else "other"  # type: ignore[assignment]
                at = base + part_start + lead
                out.append(JobLine(text=job_text[at : at + len(body.rstrip())], start=at, kind="heading"))
                first = False
                continue
            lab = label.match(body)
            if lab is not None and lab.lastgroup:
                kind = lab.lastgroup  # type: ignore[assignment]
                if kind != "title":
                    state = kind  # type: ignore[assignment]
                lead += lab.end()
                body = body[lab.end() :]
            elif (
                first
                and len(physical) > 1
                and n + 1 < len(physical)
                and len(stripped) <= 100
                and not stripped.endswith((".", ":"))
                and len(parts) == 1
            ):
                kind = "title"
            first = False
            for start, text in _pieces(body, base + part_start + lead):
                line_kind: LineKind = kind or state
                folded = norm[start : start + len(text)]
                unheaded = False
                if line_kind in ("other", *SKILL_KINDS) and _COMPANY_LINE.match(folded):
                    line_kind = "company"
                elif line_kind in ("requirement", "responsibility", "other") and _preferred_line().search(folded):
                    unheaded = line_kind == "other"
                    line_kind = "preferred"
                out.append(
                    JobLine(text=job_text[start : start + len(text)], start=start, kind=line_kind, unheaded=unheaded)
                )
    return out


def requirement_lines(job_text: str) -> list[JobLine]:
    """The lines a job's skills are read from: its requirement, nice-to-have and responsibility lines; a job with
    no such heading at all (a paragraph, a bare list) gives every line but its title, company, benefits and fields —
    a line there that marks itself nice-to-have ("Java ou Spring (desejável)") stays one and is no such heading."""
    lines = job_lines(job_text)
    if any(line.kind in SKILL_KINDS and not line.unheaded for line in lines):
        return [line for line in lines if line.kind in SKILL_KINDS]
    return [
        line if line.unheaded else JobLine(text=line.text, start=line.start, kind="requirement")
        for line in lines
        if line.kind == "other" or line.unheaded
    ]


# --------------------------------------------------------------------------- the skills a job asks for
# Words that make what follows them the sector of a company or client, not something the person does.
_SECTOR_BEFORE = re.compile(
    r"(?<!\w)(?:setor(?:es)?|segmentos?|ramos?|mercados?|industria(?:s|l)?|sector(?:es)?|industry|industries|verticals?|"
    r"clientes?|clients?|empresas?|companhias?|compan(?:y|ies)|firms?|rubros?|grupos?|redes?|varejistas?|"
    r"retailers?|lider(?:es)?|leaders?|leading|referencia|отрасл\w*|компани\w*)(?!\w)"
)
_SECTOR_AFTER = re.compile(
    r"^[\s\-]*(?:sector|industry|industries|company|companies|client|clients|market|segment|firm|setor|segmento|"
    r"varejista|empresa|company's)(?!\w)"
)
_CLAUSE_END = re.compile(r"[.;:!?()\[\]]|\s[-–—]\s|,")


# Words that make what follows them the subject of data, not something the person does: "relatórios de vendas",
# "análise de vendas", "отчётность по продажам", "sales dashboards" ask for reporting, not for selling.
_DATA_BEFORE = re.compile(
    r"(?<!\w)(?:relatorios?|analises?|dashboards?|paineis|painel|indicadores|metricas|dados|reports?|reporting|"
    r"analysis|analytics|data|metrics|informes?|analisis|datos|cuadros? de mando|отчет\w*|анализ\w*|данн\w*|"
    r"дашборд\w*|показател\w*)(?:\s+\w+){0,2}\s+(?:de|do|da|dos|das|on|of|for|about|sobre|por|по|del|de la)\s+$"
)
_DATA_AFTER = re.compile(r"^[\s\-]*(?:reports?|reporting|dashboards?|data|analytics|kpis?|metrics|figures)(?!\w)")


def _is_sector(norm: str, line: JobLine, ev: Evidence) -> bool:
    """Is this mention of a domain skill context rather than work the person will do: the sector of the company or
    client ("cliente do setor telecomunicações", "empresa de varejo", "a retail company"), or the subject of data
    the person will report on ("relatórios de vendas", "sales dashboards")?"""
    clause_start = line.start
    for m in _CLAUSE_END.finditer(norm, line.start, ev.start):
        clause_start = m.end()
    before = norm[max(clause_start, ev.start - 50) : ev.start]
    after = norm[ev.end : min(line.end, ev.end + 25)]
    return bool(
        _SECTOR_BEFORE.search(before)
        or _SECTOR_AFTER.match(after)
        or _DATA_BEFORE.search(before)
        or _DATA_AFTER.match(after)
    )


@dataclass(frozen=True, kw_only=True)
class JobSkill:
    """A skill a job asks for: where it is named, and the job line that names it (what a gap or strength quotes)."""

    evidence: Evidence
    line: JobLine
    either: tuple[str, ...] = ()  # the other skills its line offers in its place ("Java ou Spring"): any one meets it

    @property
    def preferred(self) -> bool:
        return self.line.kind == "preferred"


def job_skills(job_text: str, *, taxonomy: Taxonomy | None = None) -> dict[str, JobSkill]:
    """Skills named on the job's requirement lines (:func:`requirement_lines`), each with its first mention there
    — a required mention beats a nice-to-have one. Only skills named directly count (a CV's "Spring Boot" implies
    Java; a job's does not ask for Java twice), and a domain skill named as the company's or client's sector does
    not count at all. Skills a line joins with "ou"/"or"/"o" ("Java ou Spring", "AWS, GCP or Azure") are one
    requirement that any of them meets: each names the others in ``either``. Ordered by position."""
    tax = taxonomy or load_taxonomy()
    lines = requirement_lines(job_text)
    if not lines:
        return {}
    norm = fold(job_text)
    starts = [line.start for line in lines]
    found: dict[str, JobSkill] = {}
    on_line: dict[int, list[Evidence]] = {}
    for ev in skill_mentions(job_text, taxonomy=tax):
        line = _line_at(lines, starts, ev.start)
        if line is None or ev.end > line.end:
            continue
        if ev.category == "domain" and _is_sector(norm, line, ev):
            continue
        on_line.setdefault(line.start, []).append(ev)
        known = found.get(ev.skill)
        if known is None or (known.preferred and line.kind != "preferred"):
            found[ev.skill] = JobSkill(evidence=ev, line=line)
    lang = detect_language(job_text) if any(len(m) > 1 for m in on_line.values()) else "pt"  # only for "o"/"u"
    for mentions in on_line.values():
        for group in _alternatives(norm, mentions, lang):
            for name in group:
                need = found[name]
                if need.line.start == found[group[0]].line.start:
                    others = tuple(g for g in group if g != name and found[g].line.start == need.line.start)
                    found[name] = JobSkill(evidence=need.evidence, line=need.line, either=others)
    return dict(sorted(found.items(), key=lambda kv: (kv[1].evidence.start, kv[0])))


@lru_cache(maxsize=4)
def _either(lang: str) -> re.Pattern[str]:
    """The text between two skills that makes them alternatives in a ``lang`` job text (``job_sections.json``,
    ``either``), or a comma."""
    words: dict[str, list[str]] = table("job_sections")["either"]
    return re.compile(rf"^[\s,]*(?:(?P<either>{'|'.join([*words['all'], *words.get(lang, [])])})|,)[\s,]*$")


def _alternatives(norm: str, mentions: list[Evidence], lang: str) -> list[tuple[str, ...]]:
    """The runs of a line's skill mentions joined by commas and at least one "ou"/"or"/"o" ("Java, Kotlin ou
    Scala"): each run is one requirement. A comma-only run is a list of requirements ("Python, Django")."""
    either = _either(lang)
    runs: list[tuple[list[str], bool]] = []
    previous: Evidence | None = None
    for ev in sorted(mentions, key=lambda e: e.start):
        if previous is not None and ev.start < previous.end:
            continue  # a mention inside another ("Spring" in "Spring Boot")
        sep = either.match(norm[previous.end : ev.start]) if previous is not None else None
        if sep is not None and runs:
            names, joined = runs[-1]
            if ev.skill not in names:
                names.append(ev.skill)
            runs[-1] = (names, joined or sep.group("either") is not None)
        else:
            runs.append(([ev.skill], False))
        previous = ev
    return [tuple(names) for names, joined in runs if joined and len(names) > 1]


def _line_at(lines: list[JobLine], starts: list[int], pos: int) -> JobLine | None:
    import bisect

    i = bisect.bisect_right(starts, pos) - 1
    return lines[i] if i >= 0 and lines[i].start <= pos < lines[i].end else None
