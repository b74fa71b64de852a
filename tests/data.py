"""Where the recorded OpenF1 data lives, and small readers over it for independent checks."""

from __future__ import annotations

import gzip
import os
from functools import cache
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("F1GRAPH_TEST_DATA", ROOT.parent / "shared" / "openf1" / "dev"))
# the Redis server the tests use (each test module takes a database number of its own);
# F1GRAPH_TEST_REDIS points a run at another server, so that two checkouts can test at once
TEST_REDIS = os.environ.get("F1GRAPH_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")


def redis_url(db: int) -> str:
    """The URL of test database ``db`` on the test Redis server."""
    return f"{TEST_REDIS}/{db}"


@cache
def raw_rows(session_key: int | None, endpoint: str) -> list[dict[str, Any]]:
    """The recorded rows of one endpoint as plain dicts (``session_key=None``: top-level files)."""
    base = DATA_DIR if session_key is None else DATA_DIR / str(session_key)
    plain = base / f"{endpoint}.json"
    if plain.exists():
        return orjson.loads(plain.read_bytes())  # type: ignore[no-any-return]
    packed = base / f"{endpoint}.json.gz"
    if packed.exists():
        return orjson.loads(gzip.decompress(packed.read_bytes()))  # type: ignore[no-any-return]
    return []


def raw_bytes(session_key: int, endpoint: str) -> bytes:
    """The recorded file's bytes (decompressed), as OpenF1 sent them."""
    base = DATA_DIR / str(session_key)
    plain = base / f"{endpoint}.json"
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((base / f"{endpoint}.json.gz").read_bytes())
