"""Grounding: the retrieved vagas' lines a job description may reuse (how well they fit: :mod:`recruta.jd.fit`).

Vaga documents in the index are chunks (``recruta.ingest.documents.vaga_documents``) that cut lines in the
middle; :func:`ground` fetches the chunks of each retrieved vaga together (one extra ``retrieve`` call filtered
on their ids), stitches them on their overlap, and never uses a line cut at a chunk boundary.

A line is usable as text only when it carries no fact of its own job (numbers, years, money, benefits, its
client, a place, a language requirement, redaction markers); every line still counts for the skill names it
quotes.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from recruta.facts import Evidence, extract_skills, locations, requirements
from recruta.text.fold import fold

if TYPE_CHECKING:  # the store imports Chroma; only its Hit type is needed here
    from recruta.ingest.store import Hit

log = logging.getLogger("recruta.jd")

# Money, salary and benefit words: never in an output that was not given them.
MONEY = re.compile(
    r"R\$|US\$|[$€£₽]|\b(?:BRL|USD|EUR|GBP)\b|sal[áa]ri\w*|salary|remunera\w*|compensation|faixa salarial|"
    r"rango salarial|sueldo|pretens[ãa]o salarial",
    re.I,
)
BENEFIT = re.compile(
    r"benef[íi]c\w*|benefits?|\bvale[- ]|\bvr\b|\bva\b|\bplr\b|b[ôo]nus|bonus|plano de sa[úu]de|plano odonto\w*|"
    r"aux[íi]lio|seguro de vida|gympass|wellhub|health insurance|meal allowance|seguro m[ée]dico",
    re.I,
)
# Facts of another job that must not leak into this one.
SPECIFIC = re.compile(
    r"ingl[eê]s|espanhol|english|spanish|franc[eê]s|alem[aã]o|viage\w*|viaj\w*|travel|hor[aá]rio|turno|"
    r"plant[aã]o|sobreaviso|\bpcd\b|idade|\bcnh\b|mudan[çc]a|reloca\w*|disponibilidade",
    re.I,
)
_REDACTED = re.compile(r"\[[A-Z_]{3,}\]")
_LABEL_LIKE = re.compile(r"^[^:]{1,40}:\s")
WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")
_NICE_HEADER = re.compile(r"diferencia|desejav|nice to have|\bplus\b|deseable")
_DESC_HEADER = re.compile(r"descri|sobre|about|objetivo|contexto|resumo|quem somos|empresa")
_INLINE_NICE = re.compile(r"^(?:desej[aá]vel|diferencia(?:l|is)|nice to have|deseable)\s*:\s*", re.I)
BULLET = re.compile(r"^\s*(?:[-–—*•·▪●◦]\s*)+")
_BODY_LABELS = (
    ("Principais atividades:", "activities"),
    ("Competências técnicas e comportamentais:", "competencies"),
    ("Habilidades comportamentais:", "behaviour"),
    ("Observações:", "notes"),
)
# what an unlabeled run of lines was, given the next label in the chunk (the labels come in this order)
_BEFORE_LABEL = {
    "activities": "header",
    "competencies": "activities",
    "behaviour": "competencies",
    "notes": "competencies",
}


# --------------------------------------------------------------------------- reading vaga chunks
@dataclass(frozen=True, kw_only=True)
class Line:
    """One requirement-sized line of a retrieved vaga."""

    text: str
    kind: str  # activities | competencies | nice
    rank: int  # retrieval rank of its vaga
    order: int  # position inside its vaga
    vaga_id: str


def _body(hit: Hit) -> str:
    """The chunk text without the ``Vaga 123 - Title | `` prefix later chunks carry."""
    text = hit.text
    meta = hit.metadata
    prefix = f"Vaga {meta.get('vaga_id', '')} - {meta.get('title', '')} | "
    if text.startswith(prefix):
        return text[len(prefix) :]
    if int(meta.get("chunk", 0) or 0) > 0:
        m = re.match(r"Vaga \S+ - [^\n]*? \| ", text)
        if m:
            return text[m.end() :]
    return text


def _stitch(a: str, b: str) -> str | None:
    """``a`` + ``b`` where ``b`` starts with a suffix of ``a`` (chunk overlap), or None if they don't overlap."""
    probe = b[:12]
    if len(probe) < 12:
        return a if a.endswith(b) else None
    pos = a.find(probe)
    while pos != -1:
        if b.startswith(a[pos:]):
            return a[:pos] + b
        pos = a.find(probe, pos + 1)
    return None


def _segments(hits: Sequence[Hit], *, complete: bool) -> list[tuple[str, bool, bool]]:
    """Contiguous texts of one vaga: (text, starts at the document start, ends at the document end)."""
    chunks: dict[int, str] = {}
    for hit in hits:
        idx = int(hit.metadata.get("chunk", 0) or 0)
        chunks.setdefault(idx, _body(hit))
    if not chunks:
        return []
    last = max(chunks)
    out: list[tuple[str, bool, bool]] = []
    text, start_idx, prev = "", -1, -2
    for idx in sorted(chunks):
        merged = _stitch(text, chunks[idx]) if idx == prev + 1 and text else None
        if merged is not None:
            text = merged
        else:
            if text:
                out.append((text, start_idx == 0, False))
            text, start_idx = chunks[idx], idx
        prev = idx
    out.append((text, start_idx == 0, complete and prev == last))
    return out


def _parse_segment(text: str, *, at_start: bool, at_end: bool) -> list[tuple[str, str]]:
    """(kind, raw line) pairs of a segment; lines cut by a chunk boundary are dropped."""
    lines = text.split("\n")
    labels = tuple(label for label, _ in _BODY_LABELS)
    if not at_start and lines and not lines[0].lstrip().startswith(labels) and not BULLET.match(lines[0]):
        lines = lines[1:]
    if not at_end and lines:
        lines = lines[:-1]
    section: str | None = "header" if at_start else None
    pending: list[str] = []
    out: list[tuple[str, str]] = []
    for line in lines:
        found = next(((label, kind) for label, kind in _BODY_LABELS if line.startswith(label)), None)
        if found:
            label, kind = found
            if section is None:
                before = _BEFORE_LABEL[kind]
                out.extend((before, p) for p in pending)
                pending = []
            section = kind
            line = line[len(label) :]
        if section is None:
            pending.append(line)
        else:
            out.append((section, line))
    return out


def _vaga_lines(hits: Sequence[Hit], *, rank: int, complete: bool) -> list[Line]:
    vaga_id = str(hits[0].metadata.get("vaga_id", ""))
    out: list[Line] = []
    order = 0
    for text, at_start, at_end in _segments(hits, complete=complete):
        sub = ""
        current = ""
        for section, raw in _parse_segment(text, at_start=at_start, at_end=at_end):
            if section != current:
                current, sub = section, ""
            if section not in ("activities", "competencies", "behaviour"):
                continue
            line = raw.strip()
            if not line:
                continue
            bare = BULLET.sub("", line).strip()
            if bare.endswith(":") and len(bare) <= 60:
                folded = fold(bare)
                sub = "desc" if _DESC_HEADER.search(folded) else "nice" if _NICE_HEADER.search(folded) else ""
                continue
            if sub == "desc":
                continue
            kind = "activities" if section == "activities" else "competencies"
            m = _INLINE_NICE.match(bare)
            if sub == "nice" or m:
                kind = "nice"
                line = bare[m.end() :] if m else line
            for piece in requirements(line):
                out.append(Line(text=piece, kind=kind, rank=rank, order=order, vaga_id=vaga_id))
                order += 1
    return out


def _usable(line: str, *, client: str) -> bool:
    """A grounded line that carries no fact of its own job (money, numbers, its client, places...)."""
    if not 3 <= len(line) <= 220 or len(WORD.findall(line)) < 2:
        return False
    if MONEY.search(line) or BENEFIT.search(line) or _REDACTED.search(line) or _LABEL_LIKE.match(line):
        return False
    if client and len(client) >= 3 and fold(client) in fold(line):
        return False
    stripped = line
    for ev in skills_of(line).values():
        stripped = stripped.replace(ev.quote, " ")
    if _DIGIT.search(stripped):  # "até 15 pessoas", "5 anos" — but "ECC 6.0", "S/4HANA" are skill names
        return False
    return not locations(line)


# --------------------------------------------------------------------------- skills of a text
@lru_cache(maxsize=8192)
def skills_of(text: str) -> dict[str, Evidence]:
    """The canonical skills a text names (cached: the same lines and skills are read for every request)."""
    return extract_skills(text)


# --------------------------------------------------------------------------- grounding a request
@dataclass(kw_only=True)
class Grounding:
    """The retrieved vagas (in rank order) and their lines."""

    vaga_ids: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # vaga id → its title
    cosines: dict[str, float] = field(default_factory=dict)  # vaga id → its best chunk's retrieval score
    lines: list[Line] = field(default_factory=list)  # usable as text (no facts of their own job)
    skill_lines: list[Line] = field(default_factory=list)  # every line, for skill names only
    retrieve_ms: float = 0.0

    def text(self, vaga_id: str) -> str:
        """Every line read from a vaga, one per line: what its skills are read from."""
        return "\n".join(ln.text for ln in self.skill_lines if ln.vaga_id == vaga_id)


def ground(retrieve: Callable[..., list[Hit]] | None, query: str, *, k: int, expand_chunks: bool = True) -> Grounding:
    """The ``k`` most similar vagas for ``query`` and their lines (whole chunks' worth when ``expand_chunks``)."""
    g = Grounding()
    if retrieve is None:
        return g
    t0 = time.perf_counter()
    hits = [
        h
        for h in retrieve(query, k=k, filters={"type": "vaga"})
        if h.metadata.get("type", "vaga") == "vaga" and h.metadata.get("vaga_id") not in (None, "")
    ]
    g.vaga_ids = list(dict.fromkeys(str(h.metadata["vaga_id"]) for h in hits))
    for h in hits:
        vid = str(h.metadata["vaga_id"])
        g.titles.setdefault(vid, " ".join(str(h.metadata.get("title", "") or "").split()))
        g.cosines[vid] = max(g.cosines.get(vid, -1.0), round(float(h.score), 4))
    complete = False
    if expand_chunks and g.vaga_ids:
        want = min(400, 12 * len(g.vaga_ids))
        where = {"$and": [{"type": "vaga"}, {"vaga_id": {"$in": g.vaga_ids}}]}
        try:
            more = retrieve(query, k=want, filters=where)
        except Exception as exc:  # grounding on the chunks at hand is still fine
            log.warning("fetching the retrieved vagas' other chunks failed: %s", exc)
            more = []
        complete = bool(more) and len(more) < want
        hits += [h for h in more if str(h.metadata.get("vaga_id")) in g.vaga_ids]
    g.retrieve_ms = round((time.perf_counter() - t0) * 1000, 1)
    by_vaga: dict[str, dict[str, Hit]] = {}
    for h in hits:
        by_vaga.setdefault(str(h.metadata["vaga_id"]), {}).setdefault(h.id, h)
    for rank, vid in enumerate(g.vaga_ids):
        vhits = list(by_vaga[vid].values())
        client = str(vhits[0].metadata.get("client", "") or "")
        lines = _vaga_lines(vhits, rank=rank, complete=complete)
        g.skill_lines += lines
        g.lines += [ln for ln in lines if _usable(ln.text, client=client)]
    return g


__all__ = ["BENEFIT", "BULLET", "MONEY", "SPECIFIC", "WORD", "Grounding", "Line", "ground", "skills_of"]
