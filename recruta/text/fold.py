"""Text folding, stopwords and content words: the one place every module compares words.

``fold`` lowercases, strips Latin accents, maps ё→е and typographic dashes/quotes/spaces to ASCII, and keeps the
text's length, so offsets in the folded text point into the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    ranges = ((0x0041, 0x005A), (0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0400, 0x04FF))
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            low = ch.lower()
            if len(low) != 1:
                low = ch
            if 0x0400 <= cp <= 0x04FF:
                if low == "ё":
                    low = "е"
            else:
                base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
                if len(base) == 1:
                    low = base
            if low != ch:
                table[cp] = low
    for cp in (*range(0x2010, 0x2016), 0x2212):
        table[cp] = "-"
    for cp in (0x00A0, 0x2007, 0x2009, 0x202F, 0x200A):
        table[cp] = " "
    table[0x201A] = ","
    for cp in (0x2018, 0x2019, 0x00B4):
        table[cp] = "'"
    for cp in (0x201C, 0x201D, 0x00AB, 0x00BB):
        table[cp] = '"'
    return table


_FOLD_TABLE = _build_fold_table()
# Cyrillic "С" typed for Latin "C" in "С++", "С#", "С/C++" and "1С".
_CYR_C_LANG = re.compile(r"(?<!\w)с(?=\+\+|#)")
_CYR_C_LIST = re.compile(r"(?<!\w)с(?=/c\+\+)")
_CYR_1C = re.compile(r"(?<!\w)1с(?!\w)")


@lru_cache(maxsize=128)  # every helper folds the same CV/job text: fold it once
def fold(text: str) -> str:
    """Case/accent-fold ``text`` keeping its length (so offsets map 1:1 to the original)."""
    out = text.translate(_FOLD_TABLE)
    if "с" in out:
        out = _CYR_C_LANG.sub("c", out)
        out = _CYR_C_LIST.sub("c", out)
        out = _CYR_1C.sub("1c", out)
    return out


def wordset(words: str) -> frozenset[str]:
    """A frozenset of the whitespace-separated ``words`` (stopword lists written as one string)."""
    return frozenset(words.split())


# Words that say nothing about what a question or a line is about: function words of pt/en/es and the framing of
# recruiters' questions ("qual o nível de inglês exigido" is about inglês, not nível). Folded.
STOPWORDS = wordset(
    "a o as os um uma de da do das dos em no na nos nas para por com sem que qual quais quem e ou se sua seu suas "
    "seus the of and or to in for is are what which who how me diga mostre sobre ao vaga candidato candidata "
    "codigo nivel exigido exigida exige requerido level required"
)
_WORD = re.compile(r"\w+", re.UNICODE)


def content_words(text: str) -> set[str]:
    """The folded words of ``text`` that carry content: no stopwords, no single letters."""
    return {w for w in _WORD.findall(fold(text).casefold()) if w not in STOPWORDS and len(w) > 1}


__all__ = ["STOPWORDS", "content_words", "fold", "wordset"]
