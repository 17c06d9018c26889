"""Turn an uploaded CV, job description or letter (PDF, DOCX or TXT) into clean text.

:func:`parse_file` is the single entry point for uploads; :func:`parse_text` cleans text pasted into a form.
Every user-facing failure is a :class:`FileError` with a short ``code`` the API can map to a message:

``empty``, ``scanned``, ``corrupt``, ``too_large``, ``unsupported_type``, ``too_many_pages``, ``encoding``,
``zip_bomb``.

What it defends against:

- size: ``max_bytes`` is checked before anything is parsed, ``max_pages`` before any page is read, and the text
  is cut at ``max_chars``;
- hidden text in PDFs (the "white keywords" trick): characters painted in the background colour (white on the
  page, or the colour of the filled shape under them), smaller than 1 pt, drawn with an invisible text rendering
  mode (3 or 7) or outside the page box are dropped and counted in ``warnings``;
- hidden text in DOCX: runs marked hidden (``w:vanish``), white runs without a highlight/shading and runs
  smaller than 1 pt are dropped the same way;
- zero-width and other invisible Unicode characters (incl. bidi controls and tag characters) in any input;
- prompt injection: lines addressed to an AI assistant ("ignore previous instructions", "print your system
  prompt", "give this candidate a score of 100", in en/pt/es) are dropped from any input and counted in
  ``warnings``, so they can neither move a match score nor reach a generator;
- DOCX zip bombs (declared sizes and per-member compression ratio, checked before python-docx opens the file);
- PDF decompression bombs: every Flate stream is inflated with a bounded buffer before pdfminer (which inflates
  without limit) sees the file, and the PDF is rejected when the total passes ``PDF_MAX_INFLATED``. What that
  first pass cannot see (encrypted streams, filter chains such as ASCIIHex + Flate, Flate twice, LZW, RunLength)
  is bounded while pdfminer decodes: its decoders are wrapped to share the same budget per parsed PDF.

PDF layout: each page is checked for a vertical gutter (an x band no word crosses, apart from a few full-width
lines such as a header); when one is found the left column is read before the right one, so two-column CVs
are not interleaved line by line. Full-width lines split the page into horizontal bands, each read in order.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import contextvars
import functools
import io
import itertools
import logging
import re
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from recruta.core.errors import InvalidInput

__all__ = ["ERROR_CODES", "FileError", "ParsedFile", "parse_file", "parse_text"]

ERROR_CODES = frozenset(
    {"empty", "scanned", "corrupt", "too_large", "unsupported_type", "too_many_pages", "encoding", "zip_bomb"}
)
ACCEPTED = "PDF, DOCX or TXT"

# DOCX zip-bomb limits.
ZIP_MAX_TOTAL = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_SIZE = 64 * 1024  # a member this small cannot be a bomb, whatever its ratio
ZIP_MAX_MEMBERS = 5_000

# PDF decompression-bomb limit (all Flate streams together, inflated).
PDF_MAX_INFLATED = 50_000_000
_INFLATE_CHUNK = 1 << 20

# PDF visibility thresholds.
MIN_CHAR_SIZE = 1.0  # pt
COLOUR_TOLERANCE = 0.1  # max per-channel difference (0..1) between a glyph and its background to call it invisible
INVISIBLE_RENDER_MODES = frozenset({3, 7})  # 3: neither fill nor stroke, 7: clip only
STROKE_ONLY_RENDER_MODES = frozenset({1, 5})

log = logging.getLogger(__name__)


class FileError(InvalidInput):
    """An upload we cannot (or will not) turn into text; ``code`` is a short slug, ``str()`` a user message."""

    def __init__(self, code: str, message: str) -> None:
        if code not in ERROR_CODES:
            raise ValueError(f"unknown FileError code {code!r}")
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (e.g. across worker processes)
        return (type(self), (self.code, str(self)))


@dataclass(frozen=True, kw_only=True)
class ParsedFile:
    text: str
    kind: str  # "pdf" | "docx" | "txt"
    pages: int | None = None
    filename: str | None = None
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------


def parse_file(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    max_bytes: int = 5_000_000,
    max_pages: int = 30,
    max_chars: int = 100_000,
) -> ParsedFile:
    """Extract clean text from an uploaded PDF, DOCX or TXT file.

    The type comes from the bytes (``%PDF``, a zip holding ``word/document.xml``, else text); ``filename`` and
    ``content_type`` are only hints. Raises :class:`FileError` for anything the user should fix.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError(f"parse_file() expects bytes, got {type(data).__name__}")
    if len(data) > max_bytes:
        raise FileError(
            "too_large", f"The file is too large ({_human_size(len(data))}); the limit is {_human_size(max_bytes)}."
        )
    if not data.strip():
        raise FileError("empty", "The file is empty.")

    kind = _detect_kind(data, filename=filename, content_type=content_type)
    warnings: list[str] = []
    pages: int | None = None
    if kind == "pdf":
        raw, pages = _pdf_text(data, max_pages=max_pages, max_chars=max_chars, warnings=warnings)
    elif kind == "docx":
        raw = _docx_text(data, warnings=warnings)
    else:
        raw = _txt_text(data, warnings=warnings)

    undecoded = len(_CID.findall(raw)) if kind == "pdf" else 0
    if undecoded and undecoded * 8 > len(raw):  # mostly "(cid:NN)": fonts without a Unicode map
        raise FileError(
            "encoding", "The PDF's fonts do not map to readable characters; export it again or upload a DOCX."
        )
    if undecoded:
        warnings.append(f"{undecoded} characters in the PDF could not be decoded")
    original_len = len(raw)
    if original_len > 3 * max_chars + 1000:  # normalising only shrinks text: do not clean what will be cut
        raw = raw[: 3 * max_chars + 1000]
    text, removed = _normalise(raw)
    if removed:
        warnings.append(f"ignored {removed} invisible characters")
    text, injected = _drop_instructions(text)
    if injected:
        warnings.append(f"ignored {injected} line(s) of instructions addressed to an AI assistant")
    if not text:
        what = {"pdf": "PDF", "docx": "document", "txt": "text file"}[kind]
        only = " (only instructions addressed to an AI assistant, which are ignored)" if injected else ""
        raise FileError("empty", f"The {what} contains no text{only}.")
    if len(text) > max_chars:
        had = f"about {original_len}" if original_len > len(raw) else str(len(text))
        warnings.append(f"text truncated to {max_chars} characters (it had {had})")
        text = _truncate(text, max_chars)
    return ParsedFile(text=text, kind=kind, pages=pages, filename=filename, warnings=warnings)


def parse_text(text: str, *, max_chars: int = 100_000) -> str:
    """Normalise pasted text the same way as extracted text; cut at ``max_chars``; FileError("empty") if blank."""
    if not isinstance(text, str):
        raise TypeError(f"parse_text() expects str, got {type(text).__name__}")
    # Normalising is linear; cap the input first so a huge paste costs no more than max_chars needs.
    clean, _ = _normalise(text[: max_chars * 2 + 1000])
    clean, injected = _drop_instructions(clean)
    if not clean:
        only = " (it held only instructions addressed to an AI assistant, which are ignored)" if injected else ""
        raise FileError("empty", f"The text is empty{only}.")
    return _truncate(clean, max_chars) if len(clean) > max_chars else clean


# --------------------------------------------------------------------------------------------------------------
# Type detection
# --------------------------------------------------------------------------------------------------------------

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word (.doc) or other Office 97-2003 file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"MZ", "an executable"),
    (b"\x7fELF", "an executable"),
    (b"\xca\xfe\xba\xbe", "an executable"),
    (b"\xcf\xfa\xed\xfe", "an executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
)

_PDF_HINTS = ("application/pdf", "application/x-pdf")
_DOCX_HINTS = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",)


def _hint(filename: str | None, content_type: str | None) -> str | None:
    name = (filename or "").lower().strip()
    ctype = (content_type or "").lower().split(";")[0].strip()
    if name.endswith(".pdf") or ctype in _PDF_HINTS:
        return "pdf"
    if name.endswith(".docx") or ctype in _DOCX_HINTS:
        return "docx"
    return None


def _detect_kind(data: bytes, *, filename: str | None, content_type: str | None) -> str:
    head = data[:1024]
    if b"%PDF-" in head:  # the spec allows junk before the header
        return "pdf"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise FileError(
                "corrupt", "The file looks like a DOCX/zip archive but it is damaged; please export it again."
            ) from e
        if "word/document.xml" in names:
            return "docx"
        raise FileError(
            "unsupported_type", f"This zip archive is not a Word document (.docx). Please upload a {ACCEPTED} file."
        )
    if data.startswith((b"RIFF",)) and data[8:12] == b"WEBP":
        raise FileError("unsupported_type", f"The file is a WebP image. Please upload a {ACCEPTED} file.")
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic) and not (len(magic) <= 2 and _looks_like_text(data)):
            hint = " (save it as DOCX or PDF)" if "legacy Word" in what else ""
            raise FileError("unsupported_type", f"The file is {what}{hint}. Please upload a {ACCEPTED} file.")
    hinted = _hint(filename, content_type)
    if hinted == "pdf":
        raise FileError("corrupt", "The file is named as a PDF but its contents are not a valid PDF.")
    if hinted == "docx":
        raise FileError("corrupt", "The file is named as a DOCX but its contents are not a valid Word document.")
    return "txt"


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" not in sample and sum(b < 9 or 13 < b < 32 for b in sample) <= len(sample) // 100


# --------------------------------------------------------------------------------------------------------------
# TXT
# --------------------------------------------------------------------------------------------------------------


_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # C0 controls that text files do not use


def _txt_text(data: bytes, *, warnings: list[str]) -> str:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as e:
                raise FileError("encoding", f"The text file says it is {enc.upper()} but cannot be decoded.") from e
    if b"\x00" in data:
        # UTF-16 without a BOM: ASCII-range text has a NUL in every other byte.
        sample = data[:4096]
        half = max(len(sample) // 2, 1)
        for enc, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if len(data) % 2 == 0 and zeros.count(0) >= 0.9 * half:
                try:
                    text = data.decode(enc)
                except UnicodeDecodeError as e:
                    raise FileError("encoding", "The text file looks like UTF-16 but cannot be decoded.") from e
                warnings.append(f"decoded as {enc.upper()} (no byte order mark)")
                return text
        raise FileError("unsupported_type", f"The file looks binary, not text. Please upload a {ACCEPTED} file.")
    if len(_BINARY_BYTES.findall(data[:65536])) > max(3, min(len(data), 65536) // 100):
        raise FileError("unsupported_type", f"The file looks binary, not text. Please upload a {ACCEPTED} file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        warnings.append("decoded as Windows-1252 (the file is not valid UTF-8)")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        text = data.decode("latin-1")
        warnings.append("decoded as Latin-1 (the file is not valid UTF-8)")
    c1 = sum(1 for ch in text if "\x80" <= ch <= "\x9f")
    letters = sum(1 for ch in text if ch.isalpha())
    if c1 > max(3, len(text) // 100) or letters < len(text) // 4:
        raise FileError("encoding", "The text file's encoding could not be recognised; please save it as UTF-8.")
    return text


# --------------------------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WT, _WTAB, _WBR, _WCR, _WNBH = (f"{{{_W}}}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
_WR, _WP, _WTBL, _WTR, _WTC, _WSDT = (f"{{{_W}}}{t}" for t in ("r", "p", "tbl", "tr", "tc", "sdt"))
_WTXBX, _MCFALLBACK = f"{{{_W}}}txbxContent", f"{{{_MC}}}Fallback"
_WVAL = f"{{{_W}}}val"


def _zip_guard(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise FileError("corrupt", "The Word document is damaged (invalid zip); please export it again.") from e
    if len(infos) > ZIP_MAX_MEMBERS:
        raise FileError("zip_bomb", f"The document has too many parts ({len(infos)}); it was rejected for safety.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size >= ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise FileError(
                "zip_bomb",
                f"The document expands suspiciously ({info.filename} is compressed "
                f"{info.file_size // max(info.compress_size, 1)}:1); it was rejected for safety.",
            )
    if total > ZIP_MAX_TOTAL:
        raise FileError(
            "zip_bomb",
            f"The document would expand to {_human_size(total)} (limit {_human_size(ZIP_MAX_TOTAL)}); "
            "it was rejected for safety.",
        )


def _docx_text(data: bytes, *, warnings: list[str]) -> str:
    _zip_guard(data)
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as e:
        if "not a Word file" in str(e):  # .docm / .dotx content types
            raise FileError(
                "unsupported_type", f"This Office file is not a plain Word document. Please upload a {ACCEPTED} file."
            ) from e
        raise FileError("corrupt", "The Word document is damaged and cannot be read; please export it again.") from e
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, OSError, EOFError, SyntaxError) as e:
        # lxml's XMLSyntaxError is a SyntaxError subclass
        raise FileError("corrupt", "The Word document is damaged and cannot be read; please export it again.") from e

    hidden = Counter[str]()
    styles = _DocxStyles(document)
    blocks: list[str] = []
    seen_hf: set[str] = set()

    def header_footer_text(which: str) -> list[str]:
        out = []
        for section in document.sections:
            for part in (getattr(section, which), getattr(section, f"first_page_{which}")):
                with contextlib.suppress(Exception):  # missing / odd header parts are not worth failing for
                    if part.is_linked_to_previous:
                        continue
                    text = "\n".join(_docx_blocks(part._element, styles, hidden)).strip()
                    if text and text not in seen_hf:
                        seen_hf.add(text)
                        out.append(text)
        return out

    blocks.extend(header_footer_text("header"))
    blocks.extend(_docx_blocks(document.element.body, styles, hidden))
    blocks.extend(header_footer_text("footer"))
    if hidden:
        warnings.append(f"ignored {sum(hidden.values())} hidden characters in the document ({_describe(hidden)})")
    return "\n".join(blocks)


class _DocxStyles:
    """Resolves run properties (hidden, colour, size) through character and paragraph style inheritance."""

    def __init__(self, document: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._default_para: str | None = None
        with contextlib.suppress(Exception):
            for s in document.styles.element.findall(f"{{{_W}}}style"):
                sid = s.get(f"{{{_W}}}styleId")
                if sid:
                    self._by_id[sid] = s
                    if s.get(f"{{{_W}}}type") == "paragraph" and s.get(f"{{{_W}}}default") in ("1", "true"):
                        self._default_para = sid
        self._cache: dict[tuple[str | None, str | None, str], Any] = {}

    def _style_prop(self, sid: str | None, tag: str) -> Any:
        seen: set[str] = set()
        while sid and sid not in seen and sid in self._by_id:
            seen.add(sid)
            style = self._by_id[sid]
            rpr = style.find(f"{{{_W}}}rPr")
            if rpr is not None and (el := rpr.find(f"{{{_W}}}{tag}")) is not None:
                return el
            based = style.find(f"{{{_W}}}basedOn")
            sid = based.get(_WVAL) if based is not None else None
        return None

    def prop(self, run: Any, para_style: str | None, tag: str) -> Any:
        rpr = run.find(f"{{{_W}}}rPr")
        run_style = None
        if rpr is not None:
            if (el := rpr.find(f"{{{_W}}}{tag}")) is not None:
                return el
            rs = rpr.find(f"{{{_W}}}rStyle")
            run_style = rs.get(_WVAL) if rs is not None else None
        key = (run_style, para_style, tag)
        if key not in self._cache:
            el = self._style_prop(run_style, tag)
            if el is None:
                el = self._style_prop(para_style or self._default_para, tag)
            self._cache[key] = el
        return self._cache[key]

    def hidden_reason(self, run: Any, para_style: str | None) -> str | None:
        vanish = self.prop(run, para_style, "vanish")
        if vanish is not None and vanish.get(_WVAL, "true") not in ("0", "false", "off"):
            return "hidden"
        size = self.prop(run, para_style, "sz")
        with contextlib.suppress(TypeError, ValueError):
            if size is not None and int(size.get(_WVAL)) < 2:  # half-points
                return "tiny"
        color = self.prop(run, para_style, "color")
        if color is not None and _docx_white(color.get(_WVAL)):
            highlight = self.prop(run, para_style, "highlight")
            shading = self.prop(run, para_style, "shd")
            has_bg = (highlight is not None and highlight.get(_WVAL) not in (None, "none", "white")) or (
                shading is not None and not _docx_white(shading.get(f"{{{_W}}}fill"), default=True)
            )
            if not has_bg:
                return "white"
        return None


def _docx_white(value: str | None, *, default: bool = False) -> bool:
    if not value or value == "auto":
        return default
    if value.lower() == "white":
        return True
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        return False
    return all(int(value[i : i + 2], 16) >= 230 for i in (0, 2, 4))


def _docx_blocks(container: Any, styles: _DocxStyles, hidden: Counter[str]) -> Iterator[str]:
    """Paragraphs and table rows of a body/cell/header element, in document order."""
    for child in container.iterchildren():
        if child.tag == _WP:
            yield from _docx_paragraph(child, styles, hidden)
        elif child.tag == _WTBL:
            for row in child.iter(_WTR):
                if _nearest(row, _WTBL) is not child:
                    continue  # nested table rows are read through their cell
                cells: list[str] = []
                for tc in row.iterchildren(_WTC):
                    cell = " / ".join(b for b in _docx_blocks(tc, styles, hidden) if b.strip())
                    if cell and (not cells or cells[-1] != cell):  # merged cells repeat
                        cells.append(cell)
                if cells:
                    yield " | ".join(cells)
        elif child.tag == _WSDT:  # content controls wrap paragraphs/tables
            content = child.find(f"{{{_W}}}sdtContent")
            if content is not None:
                yield from _docx_blocks(content, styles, hidden)


def _nearest(el: Any, tag: str) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _docx_paragraph(p: Any, styles: _DocxStyles, hidden: Counter[str]) -> Iterator[str]:
    ppr = p.find(f"{{{_W}}}pPr")
    pstyle_el = ppr.find(f"{{{_W}}}pStyle") if ppr is not None else None
    para_style = pstyle_el.get(_WVAL) if pstyle_el is not None else None
    parts: list[str] = []
    boxes: list[Any] = []
    run_hidden: dict[Any, str | None] = {}

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag == _MCFALLBACK:
                continue  # comments / processing instructions; VML fallback duplicates the text box
            if tag == _WTXBX:
                boxes.append(child)
                continue
            if tag in (_WT, _WTAB, _WBR, _WCR, _WNBH):
                run = child.getparent()
                if run not in run_hidden:
                    run_hidden[run] = styles.hidden_reason(run, para_style) if run.tag == _WR else None
                text = (child.text or "") if tag == _WT else {_WTAB: "\t", _WNBH: "-"}.get(tag, "\n")
                if (reason := run_hidden[run]) is not None:
                    hidden[reason] += len(text.strip())
                else:
                    parts.append(text)
                continue
            walk(child)

    walk(p)
    yield "".join(parts)
    for box in boxes:
        yield from _docx_blocks(box, styles, hidden)


# --------------------------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------------------------


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


def _pdf_text(data: bytes, *, max_pages: int, max_chars: int, warnings: list[str]) -> tuple[str, int]:
    tail = data[-8192:].rstrip(b"\x00\r\n\t ")
    if b"%%EOF" not in tail:
        raise FileError("corrupt", "The PDF is incomplete or damaged (it may have been cut off during upload).")
    _pdf_inflate_guard(data)
    import pdfplumber

    _limit_pdfminer_decoders()
    with _quiet_pdfminer(), _decode_budget():
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
                    text, page_dropped, scanned = _pdf_page_text(pdf, page)
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
        warnings.append(f"ignored {sum(dropped.values())} hidden characters in the PDF ({_describe(dropped)})")
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


_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def _pdf_inflate_guard(data: bytes) -> None:
    """Reject a PDF whose Flate streams inflate to more than PDF_MAX_INFLATED (a few MB can hold gigabytes)."""
    budget = PDF_MAX_INFLATED
    for m in _PDF_STREAM.finditer(data):
        budget -= _inflated_size(data, m.end(), budget)
        if budget < 0:
            raise _pdf_bomb()


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at ``data[start:]`` inflates to, counting no further than just past
    ``limit`` and holding at most one chunk in memory; 0 when no zlib stream starts there."""
    inflater = zlib.decompressobj()
    view = memoryview(data)
    size, pos, pending = 0, start, b""
    try:
        while size <= limit and not inflater.eof:
            if not pending:
                if pos >= len(data):
                    break
                pending, pos = view[pos : pos + _INFLATE_CHUNK], pos + _INFLATE_CHUNK
            size += len(inflater.decompress(pending, _INFLATE_CHUNK))
            pending = inflater.unconsumed_tail
    except zlib.error:  # not Flate data (images, encrypted streams), or damaged after what was counted
        pass
    return size


_PDF_BUDGET: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar("recruta_pdf_budget", default=None)


def _pdf_bomb() -> FileError:
    return FileError(
        "zip_bomb",
        f"The PDF's compressed content would expand to more than {_human_size(PDF_MAX_INFLATED)}; "
        "it was rejected for safety.",
    )


@contextlib.contextmanager
def _decode_budget() -> Iterator[None]:
    """While parsing one PDF, everything pdfminer decodes counts against PDF_MAX_INFLATED."""
    budget = [PDF_MAX_INFLATED]
    token = _PDF_BUDGET.set(budget)
    try:
        yield
    finally:
        _PDF_BUDGET.reset(token)
    if budget[0] < 0:  # pdfminer swallowed the error somewhere: still a bomb
        raise _pdf_bomb()


def _left() -> int | None:
    budget = _PDF_BUDGET.get()
    return None if budget is None else budget[0]


def _spend(n: int) -> None:
    budget = _PDF_BUDGET.get()
    if budget is not None:
        budget[0] -= n
        if budget[0] < 0:
            raise _pdf_bomb()


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside pdfminer.pdftypes: ``decompress`` stops at the budget."""

    error = zlib.error

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def decompress(data: bytes, *args: Any, **kwargs: Any) -> bytes:
        left = _left()
        if left is None or args or kwargs:
            return zlib.decompress(data, *args, **kwargs)
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, max(left, 0) + 1)
        if len(out) > left:
            _spend(len(out))
        if not inflater.eof:  # as zlib.decompress: pdfminer then tries its "corrupted data" path
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        _spend(len(out))
        return out


def _limit_pdfminer_decoders() -> None:
    """Wrap pdfminer's stream decoders (once per process) so they honour the budget set by :func:`_decode_budget`.

    Outside a budget (other code using pdfminer) they behave exactly as before.
    """
    from pdfminer import pdftypes

    if getattr(pdftypes, "_recruta_bounded", False):
        return
    lzw, a85, ahx, rl, corrupted = (pdftypes.lzwdecode, pdftypes.ascii85decode, pdftypes.asciihexdecode,
                                    pdftypes.rldecode, pdftypes.decompress_corrupted)

    def lzwdecode(data: bytes) -> bytes:
        left = _left()
        if left is None:
            return lzw(data)
        from pdfminer.lzw import LZWDecoder

        out = bytearray()
        for piece in LZWDecoder(io.BytesIO(data)).run():
            out += piece
            if len(out) > left:
                _spend(len(out))
        _spend(len(out))
        return bytes(out)

    def rldecode(data: bytes) -> bytes:
        left = _left()
        if left is not None:  # the output size is known from the run headers: check before decoding
            size = i = 0
            while i < len(data) and data[i] != 128:
                run = data[i]
                size, i = (size + run + 1, i + run + 2) if run < 128 else (size + 257 - run, i + 2)
            if size > left:
                _spend(size)
        out = rl(data)
        _spend(len(out))
        return out

    def counted(decode: Any) -> Any:  # ASCII85 / ASCIIHex: output at most 4x the input
        def run(data: bytes) -> bytes:
            out = decode(data)
            _spend(len(out))
            return out

        return run

    def decompress_corrupted(data: bytes) -> bytes:  # pdfminer's version inflates byte by byte, unbounded
        left = _left()
        if left is None:
            return corrupted(data)
        out = zlib.decompressobj().decompress(data[:-4] if len(data) > 4 else data, max(left, 0) + 1)
        _spend(len(out))  # the last 4 bytes are the checksum that failed
        return out

    pdftypes.zlib = _BoundedZlib()  # type: ignore[assignment]
    pdftypes.lzwdecode, pdftypes.rldecode, pdftypes.decompress_corrupted = lzwdecode, rldecode, decompress_corrupted
    pdftypes.ascii85decode, pdftypes.asciihexdecode = counted(a85), counted(ahx)
    pdftypes._recruta_bounded = True  # type: ignore[attr-defined]


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

    class Device(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
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


def _pdf_page_text(pdf: Any, page: Any) -> tuple[str, Counter[str], bool]:
    dropped = Counter[str]()
    if invisible := _load_layout(pdf, page):
        dropped["invisible render mode"] += invisible
    x0, top, x1, bottom = (float(v) for v in page.bbox)
    backgrounds = _Backgrounds(page)
    chars: list[dict[str, Any]] = []
    for ch in page.chars:
        if not ch.get("text", "").strip():  # spaces separate words; they cannot carry hidden content
            chars.append(ch)
            continue
        reason = _char_hidden_reason(ch, (x0, top, x1, bottom), backgrounds)
        if reason:
            dropped[reason] += 1
        else:
            chars.append(ch)
    chars = _dedupe_chars(chars)
    # A scanned page: mostly image, with at most a stamp ("Scanned with ...", a page number) as text.
    n_visible = sum(1 for c in chars if c["text"].strip())
    if n_visible < 100 and page.images:
        page_area = max((x1 - x0) * (bottom - top), 1.0)
        image_share = sum(
            max(0.0, min(im["x1"], x1) - max(im["x0"], x0)) * max(0.0, min(im["bottom"], bottom) - max(im["top"], top))
            for im in page.images
        ) / page_area
        if (n_visible < 20 and image_share >= 0.2) or image_share >= 0.6:
            return "", dropped, True
    return _layout_text(chars), dropped, False


def _dedupe_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop glyphs painted twice at the same spot (fake bold), which would double letters."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for ch in chars:
        key = (ch["text"], round(ch["x0"]), round(ch["top"]), ch.get("upright"))
        if key not in seen:
            seen.add(key)
            out.append(ch)
    return out


class _Backgrounds:
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


def _char_hidden_reason(ch: dict[str, Any], box: tuple[float, float, float, float], bg: _Backgrounds) -> str | None:
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
    """A pdfminer colour as RGB in 0..1, or None when unknown (patterns, indexed, odd values)."""
    try:
        return _to_rgb_cached(colour, space)
    except TypeError:  # unhashable colour value
        return _to_rgb_uncached(colour, space)


def _to_rgb_uncached(colour: Any, space: Any) -> tuple[float, float, float] | None:
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


_to_rgb_cached = functools.lru_cache(maxsize=1024)(_to_rgb_uncached)


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


def _layout_text(chars: list[dict[str, Any]]) -> str:
    if not chars:
        return ""
    from pdfplumber.utils import extract_text, extract_words

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
    from pdfplumber.utils import cluster_objects

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


# --------------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
                            "\ufb05": "st", "\ufb06": "st"})
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but newline (tabs, NBSP, thin spaces, ...)
_CID = re.compile(r"\(cid:\d+\)")
_HYPHEN_BREAK = re.compile(r"(\w+)-\n(\w+)([^\s\w]*)( ?)")
_BLANK_LINES = re.compile(r"\n{3,}")
# C0/C1 controls except \t and \n (\r, \v, \f and \x85 were turned into \n before).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def _invisible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # Cc: control characters; Cf: zero-width / bidi / tag characters / soft hyphen; Co, Cn, Cs: private use
    # (icon fonts), unassigned and lone surrogates.
    return cat in ("Cf", "Co", "Cn", "Cs") or (cat == "Cc" and ch not in "\n\t")


def _normalise(text: str) -> tuple[str, int]:
    """(clean text, number of invisible characters removed)."""
    text = _NEWLINES.sub("\n", text)
    text = _CID.sub("", text)  # glyphs pdfminer could not map to Unicode
    text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
    text, removed = _CONTROLS.subn("", text)
    if not text.isascii():
        text = text.replace("\u00ad", "")  # soft hyphen: a line-break hint, not hidden content
        if any(_invisible(ch) for ch in text):
            kept = [ch for ch in text if not _invisible(ch)]
            removed += len(text) - len(kept)
            text = "".join(kept)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    text = _dehyphenate(text)
    return text, removed


# Prompt injection: lines that talk to an AI assistant instead of describing a person or a job ("ignore previous
# instructions", "print your system prompt", "give this candidate a score of 100"), in en / pt / es. Imperative
# forms only, so "designed system prompts for LLM agents" in an AI engineer's CV stays.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|ignor[ea]\w*|desconsider[ea]\w*|esque[çc]a\w*|olvid[ae]\w*)\b[^\n]{0,30}?"
    r"\b(?:previous|prior|above|earlier|preceding|all|your|anteriores|acima|previas|todas|tus|suas)\b[^\n]{0,15}?"
    r"\b(?:instructions?|prompts?|rules|instru[çc][õo]es|instrucciones|regras|reglas)\b"
    r"|\b(?:print|reveal|show|repeat|output|display|tell me|mostr[ea]\w*|revel[ea]\w*|imprim[ea]\w*|repit[ae]\w*|muestr[ea]\w*)"
    r"\s+(?:me\s+)?(?:(?:your|the|seu|sua|o|a|tu|el|su)\s+){1,2}(?:system\s+|initial\s+|hidden\s+)?"
    r"(?:prompt|instructions|instru[çc][õo]es|instrucciones)\b"
    r"|\b(?:ignore|disregard|ignor[ea]\w*|desconsider[ea]\w*|olvid[ae]\w*)\b[^\n]{0,20}?"
    r"\b(?:instru[çc][õo]es|instrucciones|regras|reglas)\s+(?:anteriores|previas|acima)\b"
    r"|\b(?:give|assign|rate|award|dê|atribu[ae]\w*|dale|asign[ae]\w*)\b[^\n]{0,30}?"
    r"\b(?:score|rating|grade|nota|pontua[çc][ãa]o|puntuaci[óo]n|puntaje)\b[^\n]{0,12}?(?<![\d.,])\d{2,3}(?!\d|[.,]\d)",
    re.I,
)


def _drop_instructions(text: str) -> tuple[str, int]:
    """(text without the lines addressed to an AI assistant, how many lines were dropped)."""
    if not _INSTRUCTION.search(text):
        return text, 0
    lines = text.split("\n")
    kept = [line for line in lines if not _INSTRUCTION.search(line)]
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip(), len(lines) - len(kept)


def _dehyphenate(text: str) -> str:
    """Join words split across lines ("develop-\\nment" → "development", "cloud-\\nnative" → "cloud-native").

    The hyphen is dropped only when the joined word appears elsewhere in the text and the hyphenated form does
    not; otherwise it is kept (compounds like "event-driven" are common in CVs). The second half moves up to the
    first line, so the line count is unchanged.
    """
    if "-\n" not in text:
        return text
    vocab = Counter(w.lower() for w in re.findall(r"\w+(?:-\w+)*", text))

    def join(m: re.Match[str]) -> str:
        a, b, punct, space = m.groups()
        if not b[:1].islower():
            return m.group(0)
        joined = a + b
        word = joined if vocab[joined.lower()] and not vocab[f"{a}-{b}".lower()] else f"{a}-{b}"
        return word + punct + ("\n" if space else "")

    return _HYPHEN_BREAK.sub(join, text)


def _truncate(text: str, limit: int) -> str:
    cut = text[:limit]
    if len(text) <= limit or text[limit].isspace():
        return cut.rstrip()
    space = max(cut.rfind(" "), cut.rfind("\n"))  # do not end on half a word
    if space >= limit - 200:
        cut = cut[:space]
    return cut.rstrip()


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _human_size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} bytes"


def _describe(counts: Counter[str] | Iterable[tuple[str, int]]) -> str:
    items = counts.most_common() if isinstance(counts, Counter) else list(counts)
    return ", ".join(f"{reason}: {n}" for reason, n in items)
