"""PDF: the visible text of each page, read with pdfplumber, with the failures users hit turned into FileErrors.

Order of checks, cheapest first: an incomplete file (no ``%%EOF``), decompression bombs (:mod:`.pdf_guard`),
then the page count — from the page tree's ``/Count`` and by walking at most ``max_pages + 1`` leaves, since
``/Count`` can lie — before any page is laid out. Reading stops once the text limit is reached.

Hidden text: glyphs drawn in an invisible text rendering mode (3 or 7) are dropped while the page is laid out
(:func:`_render_mode_device`); colour, size and position are judged per glyph in :mod:`.pdf_layout`. A page that
is mostly image with (almost) no text is a scanned page; a PDF of only those is FileError("scanned").
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
from collections import Counter
from collections.abc import Iterator
from typing import Any

from recruta.files.errors import FileError, describe
from recruta.files.pdf_guard import decode_budget, inflate_guard, limit_pdfminer_decoders
from recruta.files.pdf_layout import Backgrounds, char_hidden_reason, dedupe_chars, layout_text

__all__ = ["INVISIBLE_RENDER_MODES", "STROKE_ONLY_RENDER_MODES", "pdf_text"]

INVISIBLE_RENDER_MODES = frozenset({3, 7})  # 3: neither fill nor stroke, 7: clip only
STROKE_ONLY_RENDER_MODES = frozenset({1, 5})

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _quiet_pdfminer() -> Iterator[None]:
    """pdfminer logs a warning per glyph for common font quirks ("Could not get FontBBox ..."); mute them."""
    logger = logging.getLogger("pdfminer")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


def pdf_text(data: bytes, *, max_pages: int, max_chars: int, warnings: list[str]) -> tuple[str, int]:
    """(visible text of the pages read, page count); hidden text, scanned pages and early stops go to ``warnings``."""
    tail = data[-8192:].rstrip(b"\x00\r\n\t ")
    if b"%%EOF" not in tail:
        raise FileError("corrupt", "The PDF is incomplete or damaged (it may have been cut off during upload).")
    inflate_guard(data)
    import pdfplumber

    limit_pdfminer_decoders()
    with _quiet_pdfminer(), decode_budget():
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as e:  # pdfminer raises many unrelated types for damaged files
            raise _pdf_error(e) from e
        try:  # not `with pdf`: PDF.close() builds every page object first, thousands for a page bomb
            n_pages = _pdf_page_count(pdf)
            if n_pages is not None and n_pages > max_pages:
                raise FileError("too_many_pages", f"The PDF has {n_pages} pages; the limit is {max_pages}.")
            if _count_pages(pdf, max_pages + 1) > max_pages:  # the tree's /Count can lie
                raise FileError("too_many_pages", f"The PDF has more than {max_pages} pages; the limit is {max_pages}.")
            try:
                pages = pdf.pages
            except Exception as e:
                raise _pdf_error(e) from e
            if not pages:
                raise FileError("empty", "The PDF has no pages.")

            texts: list[str] = []
            dropped = Counter[str]()
            scanned_pages: list[int] = []
            visible_chars = 0
            n_chars = 0
            for read, page in enumerate(pages, start=1):
                try:
                    text, page_dropped, scanned = _page_text(pdf, page)
                except FileError:
                    raise
                except Exception as e:
                    raise _pdf_error(e) from e
                finally:
                    with contextlib.suppress(Exception):
                        page.close()  # frees the page's layout cache
                dropped.update(page_dropped)
                if scanned:
                    scanned_pages.append(page.page_number)
                if text.strip():
                    texts.append(text)
                    visible_chars += len(text.strip())
                n_chars += len(text)
                if n_chars > max_chars * 1.1 + 1000 and read < len(pages):  # cleaning shrinks text a little
                    warnings.append(f"stopped reading after page {read} of {len(pages)}: the text limit was reached")
                    break
        finally:
            pdf.flush_cache()

    if dropped:
        warnings.append(f"ignored {sum(dropped.values())} hidden characters in the PDF ({describe(dropped)})")
    if not visible_chars:
        if scanned_pages:
            raise FileError(
                "scanned",
                "The PDF looks like a scanned image (it has no selectable text); upload a text PDF or DOCX.",
            )
        if dropped:
            raise FileError("empty", "The PDF contains no visible text (only hidden text, which is ignored).")
        raise FileError("empty", "The PDF contains no text.")
    if scanned_pages:
        warnings.append(
            f"page(s) {', '.join(map(str, scanned_pages))} look like scanned images; their content was not read"
        )
    return "\n\n".join(texts), len(pages)


def _pdf_error(e: Exception) -> FileError:
    cause: BaseException = e
    for _ in range(5):  # pdfplumber wraps pdfminer's exception in PdfminerException(e)
        if isinstance(cause, FileError):  # a decoder went over the decompression budget
            return cause
        inner = cause.__cause__ or (cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None)
        if inner is None:
            break
        cause = inner
    if isinstance(cause, FileError):
        return cause
    name = type(cause).__name__
    if "Password" in name or "Encryption" in name:
        return FileError("corrupt", "The PDF is password-protected or encrypted; please upload an unprotected copy.")
    return FileError("corrupt", "The PDF is damaged and cannot be read; please export it again.")


def _pdf_page_count(pdf: Any) -> int | None:
    """The page count from the page tree root, without building the pages."""
    try:
        from pdfminer.pdftypes import resolve1

        count = resolve1(resolve1(pdf.doc.catalog["Pages"]).get("Count"))
        return int(count) if isinstance(count, (int, float)) and count >= 0 else None
    except Exception:
        return None


def _count_pages(pdf: Any, limit: int) -> int:
    """The page tree's leaves, walking at most ``limit`` of them and building no page."""
    from pdfminer.pdfpage import PDFPage

    try:
        return sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limit))
    except Exception as e:
        raise _pdf_error(e) from e


def _render_mode_device(pdf: Any, page: Any) -> Any:
    """A pdfplumber layout device that drops glyphs drawn in an invisible text rendering mode (and counts them)."""
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class Device(PDFPageAggregatorWithMarkedContent):
        invisible = 0
        _mode = 0

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self._mode = getattr(textstate, "render", 0) or 0
            if self._mode in STROKE_ONLY_RENDER_MODES:  # the outline colour is what shows
                graphicstate = graphicstate.copy()
                graphicstate.ncolor = graphicstate.scolor
                ncs = getattr(graphicstate, "scs", ncs)
                graphicstate.ncs = ncs
            super().render_string(textstate, seq, ncs, graphicstate)

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            adv = super().render_char(*args, **kwargs)
            if self._mode in INVISIBLE_RENDER_MODES:
                objs = self.cur_item._objs
                if objs:
                    objs.pop()
                    self.invisible += 1
            return adv

    return Device(pdf.rsrcmgr, pageno=page.page_number, laparams=pdf.laparams)


def _load_layout(pdf: Any, page: Any) -> int:
    """Lay the page out with the render-mode-aware device; returns how many invisible glyphs it dropped."""
    try:
        from pdfminer.pdfinterp import PDFPageInterpreter

        device = _render_mode_device(pdf, page)
        PDFPageInterpreter(pdf.rsrcmgr, device).process_page(page.page_obj)
        page._layout = device.get_result()  # pdfplumber's Page.layout cache
        return int(device.invisible)
    except (ImportError, AttributeError, TypeError):  # pdfplumber internals changed: fall back to plain layout
        log.debug("render-mode-aware layout unavailable; using pdfplumber's default", exc_info=True)
        return 0


def _page_text(pdf: Any, page: Any) -> tuple[str, Counter[str], bool]:
    """(visible text, dropped glyphs by reason, whether the page is a scanned image)."""
    dropped = Counter[str]()
    if invisible := _load_layout(pdf, page):
        dropped["invisible render mode"] += invisible
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    backgrounds = Backgrounds(page)
    chars: list[dict[str, Any]] = []
    for ch in page.chars:
        if not ch.get("text", "").strip():  # spaces separate words; they cannot carry hidden content
            chars.append(ch)
            continue
        reason = char_hidden_reason(ch, (x0, top, x1, bottom), backgrounds)
        if reason:
            dropped[reason] += 1
        else:
            chars.append(ch)
    chars = dedupe_chars(chars)
    # A scanned page: mostly image, with at most a stamp ("Scanned with ...", a page number) as text.
    n_visible = sum(1 for c in chars if c["text"].strip())
    if n_visible < 100 and page.images:
        page_area = max((x1 - x0) * (bottom - top), 1.0)
        image_share = (
            sum(
                max(0.0, min(im["x1"], x1) - max(im["x0"], x0))
                * max(0.0, min(im["bottom"], bottom) - max(im["top"], top))
                for im in page.images
            )
            / page_area
        )
        if (n_visible < 20 and image_share >= 0.2) or image_share >= 0.6:
            return "", dropped, True
    return layout_text(chars), dropped, False
