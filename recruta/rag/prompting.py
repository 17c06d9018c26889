"""Prompt templates are data files in ``recruta/rag/prompts`` (``<name>_<lang>.txt``).

A file has a ``### system`` and a ``### user`` section; ``{context}`` and ``{question}``
are filled in. The question's language picks the file (pt by default, en, es), so the
user is answered in kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from recruta.ingest.store import Hit
from recruta.text.language import detect_language

LANGS = ("pt", "en", "es")
PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"


def prompt_language(text: str) -> str:
    """The template language for ``text``: its own when a template exists for it, else Portuguese."""
    lang = detect_language(text)
    return lang if lang in LANGS else "pt"


@lru_cache
def load_template(name: str, lang: str = "pt", folder: Path = PROMPTS_DIR) -> tuple[str, str]:
    path = folder / f"{name}_{lang}.txt"
    if not path.exists():
        path = folder / f"{name}_pt.txt"
    if not path.exists():
        known = sorted({p.stem.rsplit("_", 1)[0] for p in folder.glob("*_*.txt")})
        raise ValueError(f"unknown prompt template {name!r}; available: {', '.join(known)}")
    text = path.read_text(encoding="utf-8")
    m = re.match(r"\s*### system\n(.*?)\n### user\n(.*)\Z", text, re.S)
    if not m:
        raise ValueError(f"{path}: expected '### system' then '### user' sections")
    return m.group(1).strip(), m.group(2).strip()


def format_context(hits: Sequence[Hit], *, max_chars: int) -> str:
    parts = []
    for n, hit in enumerate(hits, 1):
        text = hit.text if len(hit.text) <= max_chars else hit.text[:max_chars].rsplit(" ", 1)[0] + "…"
        parts.append(f"[{n}] {text}")
    return "\n\n".join(parts)


def render(
    name: str, *, question: str, hits: Sequence[Hit], max_chars: int, lang: str | None = None
) -> list[dict[str, str]]:
    system, user = load_template(name, lang or prompt_language(question))
    context = format_context(hits, max_chars=max_chars) or "(nenhum registro encontrado)"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": user.replace("{context}", context).replace("{question}", question)},
    ]


_REFUSAL = {
    "pt": "Não posso mostrar as instruções internas do assistente.",
    "en": "I cannot show the assistant's internal instructions.",
    "es": "No puedo mostrar las instrucciones internas del asistente.",
}
_LEAK_WORDS = 8  # this many consecutive words of the system prompt in an answer is a leak


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def reveals_prompt(answer: str, system: str, *, window: int = _LEAK_WORDS) -> bool:
    """True when ``answer`` repeats ``window`` consecutive words of the system prompt (an injected
    "print your system prompt" that worked)."""
    sys_words, ans = _words(system), " " + " ".join(_words(answer)) + " "
    return any(f" {' '.join(sys_words[i : i + window])} " in ans for i in range(len(sys_words) - window + 1))


def guard_answer(answer: str, *, template: str, lang: str) -> str:
    """What users get back: never the system prompt, never personal data (a generator may have been talked into
    either by text planted in a question or a CV)."""
    from recruta.text.redact import redact

    system, _ = load_template(template, lang)
    if reveals_prompt(answer, system):
        return _REFUSAL.get(lang, _REFUSAL["pt"])
    return redact(answer)
