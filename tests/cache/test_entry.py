"""A cache entry is a header (fresh-until, flags) and its payload, zlib-compressed above 64 KB."""

from __future__ import annotations

import os
import time
import zlib

import pytest

from f1graph.cache.entry import COMPRESS_ABOVE_BYTES, Entry, pack, unpack
from tests.data import raw_bytes

HEADER_BYTES = 9  # a big-endian double and one flag byte


class TestRoundTrip:
    """unpack(pack(payload, t)) gives back the payload and t exactly."""

    @pytest.mark.parametrize("size", [0, 1, 1000, COMPRESS_ABOVE_BYTES])
    def test_small_payload_is_stored_as_is(self, size: int) -> None:
        payload = b"x" * size
        raw = pack(payload, 1_700_000_000.25)
        assert raw[HEADER_BYTES:] == payload  # not compressed
        assert unpack(raw) == Entry(payload, 1_700_000_000.25)

    def test_large_payload_is_compressed(self) -> None:
        payload = raw_bytes(11253, "laps")
        assert len(payload) > COMPRESS_ABOVE_BYTES
        raw = pack(payload, 1_700_000_000.5)
        assert len(raw) < len(payload) / 3  # recorded JSON compresses well
        assert zlib.decompress(raw[HEADER_BYTES:]) == payload
        assert unpack(raw) == Entry(payload, 1_700_000_000.5)

    def test_just_above_the_threshold_is_compressed(self) -> None:
        payload = b"y" * (COMPRESS_ABOVE_BYTES + 1)
        raw = pack(payload, 0.0)
        assert raw[HEADER_BYTES:] != payload
        assert unpack(raw).payload == payload

    def test_incompressible_payload_round_trips(self) -> None:
        payload = os.urandom(COMPRESS_ABOVE_BYTES * 2)
        assert unpack(pack(payload, 5.0)) == Entry(payload, 5.0)

    def test_header_holds_fresh_until_to_the_microsecond(self) -> None:
        now = time.time()
        assert unpack(pack(b"[]", now)).fresh_until == now


class TestStale:
    """An entry is stale from its fresh-until time on."""

    def test_future_is_fresh(self) -> None:
        assert not Entry(b"[]", time.time() + 60).stale

    def test_past_is_stale(self) -> None:
        assert Entry(b"[]", time.time() - 1).stale

    def test_becomes_stale_when_time_passes(self, monkeypatch: pytest.MonkeyPatch) -> None:
        entry = Entry(b"[]", 1_000.0)
        monkeypatch.setattr(time, "time", lambda: 999.999)
        assert not entry.stale
        monkeypatch.setattr(time, "time", lambda: 1_000.0)
        assert entry.stale
