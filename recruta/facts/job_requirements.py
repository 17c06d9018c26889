"""A job's requirement lines: the units the matcher compares CV paragraphs against.

(Not named ``requirements``, so it does not shadow the function re-exported as ``recruta.facts.requirements``.)
"""

from __future__ import annotations

import re

from recruta.text.fold import fold

__all__ = ["requirements"]

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
