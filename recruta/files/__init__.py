"""Turn an uploaded CV, job description or letter (PDF, DOCX or TXT) into clean text.

:func:`parse_file` is the single entry point for uploads; :func:`parse_text` cleans text pasted into a form.
Every user-facing failure is a :class:`FileError` with a short ``code`` the API can map to a message:

``empty``, ``scanned``, ``corrupt``, ``too_large``, ``unsupported_type``, ``too_many_pages``, ``encoding``,
``zip_bomb``.

What it defends against, and where:

- size (:mod:`.parse`): ``max_bytes`` (default ``settings.max_upload_bytes``) is checked before anything is
  parsed, ``max_pages`` before any page is read, and the text is cut at ``max_chars``;
- hidden text in PDFs (:mod:`.pdf`, :mod:`.pdf_layout`), the "white keywords" trick: characters painted in the
  background colour (white on the page, or the colour of the filled shape under them), smaller than 1 pt, drawn
  with an invisible text rendering mode (3 or 7) or outside the page box are dropped and counted in ``warnings``;
- hidden text in DOCX (:mod:`.docx`): runs marked hidden (``w:vanish``), white runs without a highlight/shading
  and runs smaller than 1 pt are dropped the same way;
- zero-width and other invisible Unicode characters (incl. bidi controls and tag characters) in any input, and
  prompt injection — lines addressed to an AI assistant ("ignore previous instructions", "print your system
  prompt", "give this candidate a score of 100", in en/pt/es) — dropped from any input and counted in
  ``warnings`` (:mod:`.clean`), so they can neither move a match score nor reach a generator;
- DOCX zip bombs (:mod:`.docx`: declared sizes and per-member compression ratio, checked before python-docx opens
  the file);
- PDF decompression bombs (:mod:`.pdf_guard`): Flate streams are inflated with a bounded buffer before pdfminer
  sees the file, and pdfminer's own decoders (filter chains, LZW, RunLength, encrypted streams) share the same
  budget per parsed PDF.

PDF layout (:mod:`.pdf_layout`): two-column pages are read left column first, so they are not interleaved line
by line. File kinds are told apart by their bytes (:mod:`.detect`); TXT encodings in :mod:`.text`.
"""

from __future__ import annotations

from recruta.files.errors import ERROR_CODES, FileError
from recruta.files.parse import ParsedFile, parse_file
from recruta.files.text import parse_text

__all__ = ["ERROR_CODES", "FileError", "ParsedFile", "parse_file", "parse_text"]
