"""Which compression an answer is sent with, chosen by measurement on the 2-core machine.

On one driver's race of car data (a 1.65 MB answer, ``python -m bench.responses``) gzip level 1
takes 2.7-3.4 times zstd level 1's time (0.9-3.3 against 0.3-1.0 ms per 100 KB on the shared
machine) and leaves 323 KB against 253 KB, so zstd is preferred whenever the client accepts it,
then gzip level 1. Below ``MIN_COMPRESS_BYTES``
nothing is compressed: the answer fits a few TCP segments and the saving is noise. A cached
answer keeps each compressed form once computed, so a hit compresses nothing.
"""

from __future__ import annotations

import zlib

import zstandard

MIN_COMPRESS_BYTES = 2048  # the same floor as the app's gzip middleware, so they never disagree
IDENTITY = "identity"
_ZSTD = zstandard.ZstdCompressor(level=1)


def negotiate(accept_encoding: str, size: int) -> str:
    """``zstd``, ``gzip`` or ``identity`` for a body of ``size`` bytes and this header."""
    if size < MIN_COMPRESS_BYTES:
        return IDENTITY
    offered = _offered(accept_encoding)
    for encoding in ("zstd", "gzip"):
        if encoding in offered:
            return encoding
    return IDENTITY


def compress(body: bytes, encoding: str) -> bytes:
    """``body`` in ``encoding`` (``zstd`` or ``gzip``)."""
    if encoding == "zstd":
        return _ZSTD.compress(body)
    if encoding == "gzip":
        gz = zlib.compressobj(1, zlib.DEFLATED, 31)
        return gz.compress(body) + gz.flush()
    return body


def _offered(header: str) -> set[str]:
    out: set[str] = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and _weight(q[2:]) == 0:
            continue
        if name:
            out.add(name.strip())
    return out


def _weight(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return 1.0
