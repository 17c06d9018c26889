"""PDF glyphs to reading-order text: which characters a reader can see, and in what order to read them.

Visibility (:func:`char_hidden_reason`): the "white keywords" trick paints text in the background colour — white
on the page, or the colour of the filled shape under it (:class:`Backgrounds`) — or makes it smaller than 1 pt
or puts it outside the page box; such glyphs are dropped and counted. Glyphs painted twice at one spot (fake
bold) are kept once (:func:`dedupe_chars`).

Columns (:func:`layout_text`): each page is checked for a vertical gutter (an x band no word crosses, apart from
a few full-width lines such as a header); when one is found the left column is read before the right one, so
two-column CVs are not interleaved line by line. Full-width lines split the page into horizontal bands, each
read in order. A right-hand "column" of dates is a single-column CV with right-aligned periods, and stays one.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from typing import Any

__all__ = ["COLOUR_TOLERANCE", "MIN_CHAR_SIZE", "Backgrounds", "char_hidden_reason", "dedupe_chars", "layout_text"]

# Visibility thresholds.
MIN_CHAR_SIZE = 1.0  # pt
COLOUR_TOLERANCE = 0.1  # max per-channel difference (0..1) between a glyph and its background to call it invisible


def dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop glyphs painted twice at the same spot (fake bold), which would double letters."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for ch in chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]), ch.get("upright"))
        if key not in seen:
            seen.add(key)
            out.append(ch)
    return out


class Backgrounds:
    """Filled shapes of a known colour on a page; :meth:`colour_at` gives the topmost one's RGB under a point."""

    def __init__(self, page: Any) -> None:
        shapes = []
        for obj in list(page.rects) + list(page.curves):
            if not obj.get("fill"):
                continue
            rgb = _to_rgb(obj.get("non_stroking_color"), None)
            if rgb is not None:
                shapes.append((float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]), rgb))
        self._shapes = shapes

    def colour_at(self, x: float, y: float) -> tuple[float, float, float]:
        for sx0, stop, sx1, sbottom, rgb in reversed(self._shapes):  # later shapes are painted on top
            if sx0 <= x <= sx1 and stop <= y <= sbottom:
                return rgb
        return (1.0, 1.0, 1.0)  # paper


def char_hidden_reason(ch: dict[str, Any], box: tuple[float, float, float, float], bg: Backgrounds) -> str | None:
    """Why a reader cannot see this glyph ("tiny text", "white text", ...), or None when it is visible."""
    if float(ch.get("size") or 0) < MIN_CHAR_SIZE or min(float(ch["width"]), float(ch["height"])) < 0.2:
        return "tiny text"
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    x0, top, x1, bottom = box
    if not (x0 <= cx <= x1 and top <= cy <= bottom):
        return "outside the page"
    rgb = _to_rgb(ch.get("non_stroking_color"), ch.get("ncs"))
    if rgb is not None and max(abs(a - b) for a, b in zip(rgb, bg.colour_at(cx, cy), strict=True)) < COLOUR_TOLERANCE:
        return "white text" if min(rgb) >= 1 - COLOUR_TOLERANCE else "text in the background colour"
    return None


def _to_rgb(colour: Any, space: Any) -> tuple[float, float, float] | None:
    """A pdfminer colour as RGB in 0..1, or None when unknown (patterns, indexed, odd values).

    Called for every glyph and filled shape, with a handful of distinct colours per document: memoised with
    ``lru_cache``. A colour that cannot be a key (a list) is converted without the cache; the answer is the same.
    """
    try:
        return _rgb(colour, space)
    except TypeError:  # unhashable colour value
        return _rgb.__wrapped__(colour, space)


@functools.lru_cache(maxsize=1024)
def _rgb(colour: Any, space: Any) -> tuple[float, float, float] | None:
    if colour is None:
        return None
    if not isinstance(colour, (tuple, list)):
        colour = (colour,)
    if colour == (None,):
        return (0.0, 0.0, 0.0)  # the default fill is black
    if not colour or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in colour):
        return None
    v = [min(max(float(c), 0.0), 1.0) for c in colour]
    space = str(space or "")
    if "Indexed" in space or "Pattern" in space:
        return None
    if len(v) == 1:
        if "Separation" in space or "DeviceN" in space:  # a tint: 0 = no ink
            return (1 - v[0],) * 3
        return (v[0],) * 3
    if len(v) == 3:
        return (v[0], v[1], v[2])
    if len(v) == 4:
        c, m, y, k = v
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


# --- columns ---------------------------------------------------------------------------------------------------

GUTTER_MIN_WIDTH = 8.0  # pt of empty space between two columns
GUTTER_MAX_CROSSING = 0.12  # share of text lines allowed to run across the gutter (headers, footers)
COLUMN_MIN_SHARE = 0.08  # each column holds at least this share of the page's characters (sidebars are small)
COLUMN_MIN_LINES = 5
_DATE_LINE = re.compile(
    r"[\s\d/.,|()–—-]*(?:(?:[A-Za-zçÇ]{3,9}\.?|present|current|now|atual|hoje)[\s\d/.,|()–—-]*)*\d{4}[\s\d/.,|()–—-]*"
    r"(?:(?:present|current|now|atual|hoje|o momento)[\s.]*)?",
    re.I,
)


def layout_text(chars: list[dict[str, Any]]) -> str:
    """The page's text in reading order: column by column within each band; rotated text last."""
    if not chars:
        return ""
    from pdfplumber.utils.text import extract_text, extract_words

    upright = [c for c in chars if c.get("upright", True)]
    rotated = [c for c in chars if not c.get("upright", True)]
    words = extract_words(upright, x_tolerance=3, y_tolerance=3)
    parts = [extract_text(group, x_tolerance=3, y_tolerance=3) for group in _reading_groups(upright, words)]
    if rotated:  # vertical side labels etc.: appended, not interleaved
        parts.append(extract_text(rotated, x_tolerance=3, y_tolerance=3))
    return "\n".join(p for p in parts if p.strip())


def _reading_groups(chars: list[dict[str, Any]], words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Char groups in reading order: one group for a single-column page, else bands of left/right columns.

    Words are used to find the gutter and the full-width rows; every char (spaces included, so that word
    boundaries survive) is then placed by its own position.
    """
    gx = _find_gutter(words)
    if gx is None:
        return [chars]
    crossing = [w for w in words if w["x0"] < gx < w["x1"]]
    # A full-width row: the vertical extent of words running across the gutter (merged when they overlap).
    rows: list[tuple[float, float]] = []
    for w in sorted(crossing, key=lambda w: w["top"]):
        if rows and w["top"] <= rows[-1][1]:
            rows[-1] = (rows[-1][0], max(rows[-1][1], w["bottom"]))
        else:
            rows.append((w["top"], w["bottom"]))
    row_tops = [r[0] for r in rows]
    n = len(rows)
    left: list[list[dict[str, Any]]] = [[] for _ in range(n + 1)]
    right: list[list[dict[str, Any]]] = [[] for _ in range(n + 1)]
    full: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    for c in chars:
        mid = (c["top"] + c["bottom"]) / 2
        i = bisect.bisect_right(row_tops, mid) - 1
        if i >= 0 and rows[i][0] <= mid <= rows[i][1]:
            full[i].append(c)
            continue
        band = i + 1  # rows above this char
        (left if (c["x0"] + c["x1"]) / 2 < gx else right)[band].append(c)
    groups: list[list[dict[str, Any]]] = []
    for i in range(n + 1):
        groups += [left[i], right[i]]
        if i < n:
            groups.append(full[i])
    return [g for g in groups if g]


def _find_gutter(words: list[dict[str, Any]]) -> float | None:
    """The x of a vertical gutter splitting the page into two columns, or None for a single-column page."""
    if len(words) < 20:
        return None
    from pdfplumber.utils.clustering import cluster_objects

    lines = cluster_objects(words, lambda w: round(w["top"]), 2)
    n_lines = len(lines)
    lo = min(w["x0"] for w in words)
    hi = max(w["x1"] for w in words)
    span = hi - lo
    if span < 100:
        return None
    # Word coverage per 1pt column over the middle of the text block.
    start, end = int(lo + 0.15 * span), int(hi - 0.15 * span)
    cover = [0] * (end - start + 1)
    for w in words:
        a, b = max(int(w["x0"]), start), min(int(w["x1"]) + 1, end + 1)
        for x in range(a, b):
            cover[x - start] += 1
    # The emptiest band at least GUTTER_MIN_WIDTH wide, allowing a few words to cross it (full-width lines).
    limit = max(1, int(GUTTER_MAX_CROSSING * n_lines))
    best: tuple[int, int] | None = None  # (width, centre)
    for level in range(min(cover), limit + 1):
        x = 0
        while x < len(cover):
            if cover[x] > level:
                x += 1
                continue
            run_start = x
            while x < len(cover) and cover[x] <= level:
                x += 1
            if x - run_start >= GUTTER_MIN_WIDTH and (best is None or x - run_start > best[0]):
                best = (x - run_start, start + (run_start + x) // 2)
        if best is not None:
            break
    if best is None:
        return None
    gx = float(best[1])
    # Both sides must hold real columns, not a stray right-aligned date or two.
    total = sum(len(w["text"]) for w in words)
    left_chars = sum(len(w["text"]) for w in words if w["x1"] <= gx)
    right_chars = sum(len(w["text"]) for w in words if w["x0"] >= gx)
    left_lines = {round(w["top"]) for w in words if w["x1"] <= gx}
    right_lines = {round(w["top"]) for w in words if w["x0"] >= gx}
    if min(left_chars, right_chars) < COLUMN_MIN_SHARE * total:
        return None
    if min(len(left_lines), len(right_lines)) < COLUMN_MIN_LINES:
        return None
    # Real columns are left-aligned: many right-side lines start at (almost) the same x.
    starts = Counter(
        round(min(w["x0"] for w in line if w["x0"] >= gx)) for line in lines if any(w["x0"] >= gx for w in line)
    )
    aligned = max(sum(v for k, v in starts.items() if abs(k - s) <= 2) for s in starts)
    if aligned < 0.5 * sum(starts.values()):
        return None
    # A right-hand "column" made of dates is a single-column CV with right-aligned periods, not a sidebar.
    right_text = [" ".join(w["text"] for w in line if w["x0"] >= gx) for line in lines]
    right_text = [t for t in right_text if t]
    if sum(bool(_DATE_LINE.fullmatch(t)) for t in right_text) >= 0.6 * len(right_text):
        return None
    return gx
