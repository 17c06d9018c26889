"""Score bands: where a 0–100 match score stops being strong, good, partial. The one place they are set."""

from __future__ import annotations

from typing import Literal

from recruta.i18n import message

Band = Literal["strong", "good", "partial", "weak"]
STRONG, GOOD, PARTIAL = 75, 55, 40  # lower bounds; below PARTIAL a profile is advised against


def band(score: float) -> Band:
    return "strong" if score >= STRONG else "good" if score >= GOOD else "partial" if score >= PARTIAL else "weak"


def verdict(score: float, lang: str = "pt") -> str:
    """One sentence for the band of ``score`` in ``lang``."""
    return message("screening", f"verdict.{band(score)}", lang)


def advised_against(score: float) -> bool:
    return band(score) == "weak"


__all__ = ["GOOD", "PARTIAL", "STRONG", "Band", "advised_against", "band", "verdict"]
