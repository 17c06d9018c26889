"""Plain text: decoding a TXT upload whatever its encoding, and :func:`parse_text` for text pasted into a form.

Encodings tried, in order: a BOM (UTF-8/16/32), UTF-16 without a BOM (a NUL in every other byte), UTF-8, then
Windows-1252 / Latin-1 — accepted only when the result reads like text, since those two decode any bytes.
Binary content that is not a known format is refused here rather than indexed as garbage.
"""

from __future__ import annotations

import codecs
import re

from recruta.files.clean import drop_instructions, normalise, truncate
from recruta.files.errors import ACCEPTED, FileError

__all__ = ["decode_text", "parse_text"]

_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # C0 controls that text files do not use


def decode_text(data: bytes, *, warnings: list[str]) -> str:
    """The text of a TXT upload; a fallback encoding is noted in ``warnings``."""
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
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


def parse_text(text: str, *, max_chars: int = 100_000) -> str:
    """Normalise pasted text the same way as extracted text; cut at ``max_chars``; FileError("empty") if blank."""
    if not isinstance(text, str):
        raise TypeError(f"parse_text() expects str, got {type(text).__name__}")
    # Normalising is linear; cap the input first so a huge paste costs no more than max_chars needs.
    clean, _ = normalise(text[: max_chars * 2 + 1000])
    clean, injected = drop_instructions(clean)
    if not clean:
        only = " (it held only instructions addressed to an AI assistant, which are ignored)" if injected else ""
        raise FileError("empty", f"The text is empty{only}.")
    return truncate(clean, max_chars) if len(clean) > max_chars else clean
