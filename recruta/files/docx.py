"""DOCX: the text of a Word document in reading order, without the parts a reader cannot see.

- zip bombs are refused before python-docx opens the file (member count, declared total size, and the
  compression ratio of each member — checked on the zip directory, nothing is inflated);
- text is read in document order: headers, body (paragraphs, tables row by row, content controls, text boxes
  once — not again through their VML fallback), footers;
- hidden runs are dropped and counted: ``w:vanish``, white text without a highlight or shading under it, and
  text smaller than 1 pt, resolved through character and paragraph style inheritance (:class:`_DocxStyles`).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from typing import Any

from recruta.files.errors import ACCEPTED, FileError, describe, human_size

__all__ = ["ZIP_MAX_MEMBERS", "ZIP_MAX_RATIO", "ZIP_MAX_TOTAL", "ZIP_RATIO_MIN_SIZE", "docx_text", "zip_guard"]

# Zip-bomb limits.
ZIP_MAX_TOTAL = 50 * 1024 * 1024
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_SIZE = 64 * 1024  # a member this small cannot be a bomb, whatever its ratio
ZIP_MAX_MEMBERS = 5_000

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WT, _WTAB, _WBR, _WCR, _WNBH = (f"{{{_W}}}{t}" for t in ("t", "tab", "br", "cr", "noBreakHyphen"))
_WR, _WP, _WTBL, _WTR, _WTC, _WSDT = (f"{{{_W}}}{t}" for t in ("r", "p", "tbl", "tr", "tc", "sdt"))
_WTXBX, _MCFALLBACK = f"{{{_W}}}txbxContent", f"{{{_MC}}}Fallback"
_WVAL = f"{{{_W}}}val"


def zip_guard(data: bytes) -> None:
    """FileError("zip_bomb") when the archive would inflate too far, judged from its directory alone."""
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
            f"The document would expand to {human_size(total)} (limit {human_size(ZIP_MAX_TOTAL)}); "
            "it was rejected for safety.",
        )


def docx_text(data: bytes, *, warnings: list[str]) -> str:
    """The visible text of a DOCX (headers, body, footers); dropped hidden characters are noted in ``warnings``."""
    zip_guard(data)
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
        warnings.append(f"ignored {sum(hidden.values())} hidden characters in the document ({describe(hidden)})")
    return "\n".join(blocks)


class _DocxStyles:
    """Resolves run properties (hidden, colour, size) through character and paragraph style inheritance.

    ``_memo`` is a true per-document memo, not a size-capped cache: what it stores depends on this document's
    style table, it lives for one parse and holds at most one entry per (run style, paragraph style, property)
    the document uses. A module-level ``lru_cache`` would need the document in its key and would keep parsed
    documents alive after the upload is answered.
    """

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
        self._memo: dict[tuple[str | None, str | None, str], Any] = {}

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
        if key not in self._memo:
            el = self._style_prop(run_style, tag)
            if el is None:
                el = self._style_prop(para_style or self._default_para, tag)
            self._memo[key] = el
        return self._memo[key]

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
