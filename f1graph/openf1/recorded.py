"""A :class:`~f1graph.openf1.source.Source` over recorded OpenF1 responses on disk.

The directory holds ``sessions.json`` and ``meetings.json`` (every session and meeting) and one
folder per session, ``<session_key>/<endpoint>.json`` or ``.json.gz``, each file being what
``GET /v1/<endpoint>?session_key=<session_key>`` returned. Queries are answered with OpenF1's
filter semantics, so tests and offline runs meet the same rows the real API would give.
"""

from __future__ import annotations

import asyncio
import bisect
import gzip
import operator
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from f1graph.errors import BadRequestError, UpstreamBadResponseError
from f1graph.openf1.columns import parse_dates_ms
from f1graph.openf1.endpoints import ENDPOINTS
from f1graph.openf1.filters import Filter, Filters

Row = dict[str, Any]
Predicate = Callable[[Row], bool]

_TOP_LEVEL = frozenset({"sessions", "meetings"})
_LATEST = {"session_key": "sessions", "meeting_key": "meetings"}  # where `latest` is looked up
_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
_BIG = 20_000  # rows; filtering more than this would hold the event loop for milliseconds
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A '+' before a UTC offset arrives as a space when the query string was not percent-encoded.
_DECODED_PLUS = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class RecordedSource:
    """Answers OpenF1 queries from a directory of recorded responses, loaded lazily and kept."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._files: dict[Path, list[Row]] = {}
        self._locks: dict[Path, threading.Lock] = {}  # thread locks: loads run in worker threads
        self._session_keys: tuple[int, ...] | None = None
        self._date_index: dict[Path, tuple[list[int], list[float]]] = {}

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        """Rows of ``endpoint`` matching ``filters`` as OpenF1 would select them, as JSON."""
        if endpoint not in ENDPOINTS:
            raise BadRequestError(f"OpenF1 has no endpoint called {endpoint!r}.")
        filters = await self._resolve_latest(filters)
        if endpoint in _TOP_LEVEL:
            paths = [self.directory / f"{endpoint}.json"]
        else:
            # A session's file is by definition its rows: session_key filters pick files only.
            by_session = tuple(f for f in filters if f.field == "session_key")
            in_session = _matcher(by_session)
            paths = [
                self.directory / str(key) / f"{endpoint}.json"
                for key in self._sessions_on_disk()
                if in_session({"session_key": key})
            ]
            filters = tuple(f for f in filters if f.field != "session_key")
        matches = _matcher(filters)
        window = _date_window(filters)
        selected: list[Row] = []
        for path in paths:
            rows = await self._rows(path)
            if len(rows) > _BIG:
                if window is not None:  # a time window of a big series: bisect, then filter
                    rows = await asyncio.to_thread(self._in_window, path, rows, window)
                selected += await asyncio.to_thread(_select, rows, matches)
            else:
                selected += _select(rows, matches)
        return orjson.dumps(selected)

    def _in_window(self, path: Path, rows: list[Row], window: tuple[float, float]) -> list[Row]:
        """The rows whose ``date`` may lie in ``window`` (epoch seconds, inclusive), found by
        bisecting a date index built once per file; the filters still decide each row."""
        index = self._date_index.get(path)
        if index is None:
            with self._locks.setdefault(path, threading.Lock()):
                index = self._date_index.get(path) or _build_date_index(rows)
                self._date_index[path] = index
        order, stamps = index
        lo = bisect.bisect_left(stamps, window[0])
        hi = bisect.bisect_right(stamps, window[1])
        return [rows[i] for i in order[lo:hi]]

    async def aclose(self) -> None:
        """Forget the parsed files."""
        self._files.clear()

    async def _resolve_latest(self, filters: Filters) -> Filters:
        """Replace ``session_key=latest`` / ``meeting_key=latest`` by the newest key recorded."""
        out: list[Filter] = []
        for f in filters:
            if f.field in _LATEST and f.op == "=" and f.render_value().lower() == "latest":
                records = await self._rows(self.directory / f"{_LATEST[f.field]}.json")
                dated = [r for r in records if r.get("date_start") and r.get(f.field) is not None]
                if dated:  # else the filter stays as it is, and matches nothing
                    newest = max(dated, key=lambda r: _as_datetime(r["date_start"]) or _EPOCH)
                    f = Filter(f.field, f.op, newest[f.field])
            out.append(f)
        return tuple(out)

    def _sessions_on_disk(self) -> tuple[int, ...]:
        if self._session_keys is None:
            self._session_keys = tuple(
                sorted(int(p.name) for p in self.directory.iterdir() if p.name.isdigit())
            )
        return self._session_keys

    async def _rows(self, path: Path) -> list[Row]:
        rows = self._files.get(path)
        if rows is None:
            rows = await asyncio.to_thread(self._load, path)
        return rows

    def _load(self, path: Path) -> list[Row]:
        # One lock per file: a second reader waits for the first load instead of repeating it.
        with self._locks.setdefault(path, threading.Lock()):
            if (cached := self._files.get(path)) is not None:
                return cached
            packed = path.with_name(path.name + ".gz")
            try:
                if path.exists():
                    rows = orjson.loads(path.read_bytes())
                elif packed.exists():
                    rows = orjson.loads(gzip.decompress(packed.read_bytes()))
                else:
                    rows = []  # not recorded: OpenF1 would have had no rows for it either
            except (OSError, EOFError, orjson.JSONDecodeError) as error:
                raise UpstreamBadResponseError(f"Cannot read {path}: {error}") from error
            if not isinstance(rows, list):
                raise UpstreamBadResponseError(f"{path} does not hold a JSON array of rows.")
            self._files[path] = rows
            return rows


def _date_window(filters: Filters) -> tuple[float, float] | None:
    """The widest ``[from, to]`` (epoch seconds) that ``date`` comparisons allow, if any."""
    lo, hi = float("-inf"), float("inf")
    for f in filters:
        if f.field != "date" or f.op == "=":
            continue
        instant = _as_datetime(f.render_value())
        if instant is None:
            continue
        if f.op in (">=", ">"):
            lo = max(lo, instant.timestamp())
        else:
            hi = min(hi, instant.timestamp())
    return None if (lo, hi) == (float("-inf"), float("inf")) else (lo, hi)


def _build_date_index(rows: list[Row]) -> tuple[list[int], list[float]]:
    """Row positions sorted by ``date`` and their timestamps (rows without a date left out)."""
    dated = [(i, v) for i, row in enumerate(rows) if isinstance(v := row.get("date"), str)]
    try:  # OpenF1's own spelling parses in one vectorised call
        stamps = parse_dates_ms([v for _, v in dated]) / 1000.0
        order = np.argsort(stamps, kind="stable")
        positions = [dated[i][0] for i in order.tolist()]
        return positions, stamps[order].tolist()
    except ValueError:
        pass
    stamped = []
    for i, value in dated:
        instant = _as_datetime(value)
        if instant is not None:
            stamped.append((instant.timestamp(), i))
    stamped.sort()
    return [i for _, i in stamped], [t for t, _ in stamped]


def _select(rows: list[Row], matches: Predicate) -> list[Row]:
    return [row for row in rows if matches(row)]


def _matcher(filters: Filters) -> Predicate:
    """A row predicate: equality filters on one field are ORed, everything else is ANDed.

    A row without the filtered field never matches, as OpenF1 matches nothing for an unknown
    parameter (``limit``, ``offset`` included). Equality filters are tested first: they are the
    cheapest and the most selective (``driver_number``), which keeps date parsing rare.
    """
    by_field: dict[str, list[Filter]] = {}
    for f in filters:
        by_field.setdefault(f.field, []).append(f)
    checks: list[Predicate] = []
    for field, group in by_field.items():
        equal = [f.render_value() for f in group if f.op == "="]
        if equal:
            checks.append(_any_equal(field, equal))
    for field, group in by_field.items():
        for f in group:
            if f.op != "=":
                checks.append(_compares(field, f))
    if not checks:
        return lambda row: True
    if len(checks) == 1:
        return checks[0]

    def every(row: Row) -> bool:
        for check in checks:
            if not check(row):
                return False
        return True

    return every


def _any_equal(field: str, texts: list[str]) -> Predicate:
    # Hashable forms of the wanted values make the common case one set lookup per row.
    plain: set[object] = set()
    booleans: set[bool] = set()
    instants: set[datetime | None] = set()
    for text in texts:
        plain.add(text)
        if (number := _as_number(text)) is not None:
            plain.add(number)
        if text.lower() in ("true", "false"):
            booleans.add(text.lower() == "true")
        if (instant := _as_datetime(text)) is not None:
            instants.add(instant)

    def check(row: Row) -> bool:
        value: Any = row.get(field)
        kind = type(value)  # exact types, faster than isinstance on 500,000 rows
        if kind is int or kind is float or kind is str:
            if value in plain:
                return True
            return bool(instants) and kind is str and _as_datetime(value) in instants
        if kind is bool:  # not in the set above, where True == 1
            return value in booleans
        if kind is list:  # an array matches when any element does
            return any(check({field: item}) for item in value)
        return False

    return check


def _compares(field: str, f: Filter) -> Predicate:
    """``field <op> value`` on numbers, or on ISO dates compared as instants; nothing else."""
    wanted = f.render_value()
    number, instant = _as_number(wanted), _as_datetime(wanted)
    op = _OPERATORS[f.op]

    def check(row: Row) -> bool:
        value = row.get(field)
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, int | float):
            return number is not None and op(value, number)
        if isinstance(value, str) and instant is not None:
            mine = _as_datetime(value)
            return mine is not None and op(mine, instant)
        return False

    return check


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _as_datetime(text: str) -> datetime | None:
    """An ISO date, with or without time and offset (naive means UTC), else ``None``."""
    if not _ISO_DATE.match(text):
        return None
    try:
        parsed = datetime.fromisoformat(_DECODED_PLUS.sub(r"\1+\2", text.strip()))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
