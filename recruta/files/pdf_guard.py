"""PDF decompression bombs: a few MB of PDF can hold gigabytes of compressed streams, and pdfminer inflates
them without limit.

Two passes share one budget, ``PDF_MAX_INFLATED`` bytes per parsed PDF:

- :func:`inflate_guard`, before pdfminer sees the file: every Flate stream is inflated with a bounded buffer
  (one chunk in memory) and the PDF is rejected when the total passes the budget;
- what that pass cannot see (encrypted streams, filter chains such as ASCIIHex + Flate, Flate twice, LZW,
  RunLength) is bounded while pdfminer decodes: :func:`limit_pdfminer_decoders` wraps its decoders once per
  process, and :func:`decode_budget` opens the budget they spend for one parse. Outside a budget the wrapped
  decoders behave exactly as pdfminer's own.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any, cast

from recruta.files.errors import FileError, human_size

__all__ = ["PDF_MAX_INFLATED", "decode_budget", "inflate_guard", "limit_pdfminer_decoders"]

PDF_MAX_INFLATED = 50_000_000  # all streams of one PDF together, inflated
_INFLATE_CHUNK = 1 << 20

_Decoder = Callable[[bytes], bytes]

_PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")


def inflate_guard(data: bytes) -> None:
    """Reject a PDF whose Flate streams inflate to more than PDF_MAX_INFLATED (a few MB can hold gigabytes)."""
    budget = PDF_MAX_INFLATED
    for m in _PDF_STREAM.finditer(data):
        budget -= _inflated_size(data, m.end(), budget)
        if budget < 0:
            raise _bomb()


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """How many bytes the zlib stream at ``data[start:]`` inflates to, counting no further than just past
    ``limit`` and holding at most one chunk in memory; 0 when no zlib stream starts there."""
    inflater = zlib.decompressobj()
    view = memoryview(data)
    size, pos = 0, start
    pending: bytes | memoryview = b""
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


def _bomb() -> FileError:
    return FileError(
        "zip_bomb",
        f"The PDF's compressed content would expand to more than {human_size(PDF_MAX_INFLATED)}; "
        "it was rejected for safety.",
    )


@contextlib.contextmanager
def decode_budget() -> Iterator[None]:
    """While parsing one PDF, everything pdfminer decodes counts against PDF_MAX_INFLATED."""
    budget = [PDF_MAX_INFLATED]
    token = _PDF_BUDGET.set(budget)
    try:
        yield
    finally:
        _PDF_BUDGET.reset(token)
    if budget[0] < 0:  # pdfminer swallowed the error somewhere: still a bomb
        raise _bomb()


def _left() -> int | None:
    budget = _PDF_BUDGET.get()
    return None if budget is None else budget[0]


def _spend(n: int) -> None:
    budget = _PDF_BUDGET.get()
    if budget is not None:
        budget[0] -= n
        if budget[0] < 0:
            raise _bomb()


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


def limit_pdfminer_decoders() -> None:
    """Wrap pdfminer's stream decoders (once per process) so they honour the budget set by :func:`decode_budget`.

    Outside a budget (other code using pdfminer) they behave exactly as before.
    """
    from pdfminer import pdftypes

    if getattr(pdftypes, "_recruta_bounded", False):
        return

    # pdftypes imports these decoders from their own modules without re-exporting them, so they are read and
    # replaced by name: the names pdftypes itself looks up when it decodes a stream.
    def original(name: str) -> _Decoder:
        return cast(_Decoder, getattr(pdftypes, name))

    lzw, a85, ahx, rl = (original(name) for name in ("lzwdecode", "ascii85decode", "asciihexdecode", "rldecode"))
    corrupted = pdftypes.decompress_corrupted

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

    def counted(decode: _Decoder) -> _Decoder:  # ASCII85 / ASCIIHex: output at most 4x the input
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

    patches: dict[str, object] = {
        "zlib": _BoundedZlib(),
        "lzwdecode": lzwdecode,
        "rldecode": rldecode,
        "ascii85decode": counted(a85),
        "asciihexdecode": counted(ahx),
        "_recruta_bounded": True,
    }
    for name, value in patches.items():
        setattr(pdftypes, name, value)
    pdftypes.decompress_corrupted = decompress_corrupted
