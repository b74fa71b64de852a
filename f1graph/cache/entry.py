"""How a cached value is stored: a small header (fresh-until time, flags) and the payload.

Payloads are compact JSON (msgspec/orjson bytes) or columnar bytes, zlib-compressed when large.
A value past its fresh-until time is *stale*: still kept (for serving when OpenF1 fails) until
the backend's own expiry, which is later by the stale grace period.
"""

from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass

_HEADER = struct.Struct(">dB")
_COMPRESSED = 1
COMPRESS_ABOVE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached payload and the time (epoch seconds) until which it is fresh."""

    payload: bytes
    fresh_until: float

    @property
    def stale(self) -> bool:
        return time.time() >= self.fresh_until


def pack(payload: bytes, fresh_until: float) -> bytes:
    flags = 0
    if len(payload) > COMPRESS_ABOVE_BYTES:
        payload = zlib.compress(payload, 1)
        flags |= _COMPRESSED
    return _HEADER.pack(fresh_until, flags) + payload


def unpack(raw: bytes) -> Entry:
    fresh_until, flags = _HEADER.unpack_from(raw)
    payload = raw[_HEADER.size :]
    if flags & _COMPRESSED:
        payload = zlib.decompress(payload)
    return Entry(payload, fresh_until)
