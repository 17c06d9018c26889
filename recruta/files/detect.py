"""What kind of file an upload is, from its bytes: ``"pdf"``, ``"docx"`` or ``"txt"`` — or a :class:`FileError`.

The bytes decide (``%PDF``, a zip holding ``word/document.xml``, else text); the file name and content type are
only hints, used to give a better message when a "PDF" or "DOCX" is not one. Known binary formats (images,
archives, executables, legacy .doc) are named in the error so the user knows what to upload instead.
"""

from __future__ import annotations

import io
import zipfile

from recruta.files.errors import ACCEPTED, FileError

__all__ = ["detect_kind"]

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


def detect_kind(data: bytes, *, filename: str | None, content_type: str | None) -> str:
    """``"pdf"``, ``"docx"`` or ``"txt"``; FileError("unsupported_type" / "corrupt") for anything else."""
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
    """Two-byte magics ("BM", "MZ") also start ordinary words: only call it binary when it does not read as text."""
    sample = data[:4096]
    return b"\x00" not in sample and sum(b < 9 or 13 < b < 32 for b in sample) <= len(sample) // 100
