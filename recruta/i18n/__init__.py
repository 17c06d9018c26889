"""Message catalogues: every sentence a user reads, as data files, one per product area.

``recruta/i18n/catalogues/<area>.json`` maps a language to its messages::

    {"pt": {"verdict.strong": "Perfil muito aderente à vaga."}, "en": {...}, "es": {...}, "ru": {...}}

    from recruta.i18n import message
    message("screening", "verdict.strong", "en")          # → "Strong match for the job."
    message("api", "too_long", "es", limit=4000)          # str.format fields

A language missing from a catalogue, or a key missing from a language, falls back to Portuguese.

Number agreement is data too: a message that counts has its singular beside it as ``<key>_one`` (in every
language of the catalogue) and :func:`plural_key` picks the form for a number. In pt, en and es only 1 takes the
singular: zero agrees in the plural ("0 vagas", "0 jobs", "0 vacantes").
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CATALOGUES = Path(__file__).with_name("catalogues")
FALLBACK = "pt"


@cache
def catalogue(area: str) -> dict[str, dict[str, str]]:
    path = CATALOGUES / f"{area}.json"
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    if FALLBACK not in data:
        raise ValueError(f"{path}: no {FALLBACK!r} messages")
    return data


def message(area: str, key: str, lang: str, /, **fields: Any) -> str:
    """The ``key`` message of ``area`` in ``lang`` (Portuguese when missing), formatted with ``fields``."""
    cat = catalogue(area)
    text = cat.get(lang, {}).get(key) or cat[FALLBACK][key]
    return text.format(**fields) if fields else text


def plural_key(msgs: dict[str, str], key: str, n: int) -> str:
    """``key`` for the number ``n``: its singular form ``key_one`` when ``n`` is 1 and ``msgs`` has one."""
    return f"{key}_one" if n == 1 and f"{key}_one" in msgs else key


def messages(area: str, lang: str) -> dict[str, str]:
    """Every message of ``area`` in ``lang``, Portuguese filling any gap."""
    cat = catalogue(area)
    return {**cat[FALLBACK], **cat.get(lang, {})}


__all__ = ["CATALOGUES", "catalogue", "message", "messages", "plural_key"]
