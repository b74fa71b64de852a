"""Independent readings of the recorded data, from raw dict rows, for the analysis tests.

These deliberately avoid the code under test: plain loops over the JSON rows as OpenF1 sent them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import Any

from f1graph.openf1 import endpoint
from tests.data import raw_bytes, raw_rows


@cache
def records(session_key: int, name: str) -> list[Any]:
    """The recorded rows decoded into typed records (empty when not recorded)."""
    if not raw_rows(session_key, name):
        return []
    return endpoint(name).decode(raw_bytes(session_key, name))


def when(text: str) -> datetime:
    """An OpenF1 timestamp."""
    return datetime.fromisoformat(text)


def sc_windows(session_key: int) -> list[tuple[datetime, datetime]]:
    """SC periods of a session with SafetyCar messages: deployment to the leader's next crossing.

    Only the plain SC pattern of the recorded races (no VSC or red flag in them).
    """
    laps = raw_rows(session_key, "laps")
    windows = []
    start = None
    for msg in sorted(raw_rows(session_key, "race_control"), key=lambda m: m["date"]):
        if msg["message"] == "SAFETY CAR DEPLOYED":
            start = when(msg["date"])
        elif msg["message"] == "SAFETY CAR IN THIS LAP" and start is not None:
            ends = sorted(
                when(lap["date_start"])
                for lap in laps
                if lap["lap_number"] == msg["lap_number"] + 1
                and when(lap["date_start"]) > when(msg["date"])
            )
            windows.append((start, ends[0]))
            start = None
    return windows


def clean_lap_keys(session_key: int) -> set[tuple[int, int]]:
    """(driver, lap) of the clean laps, by the definition, computed from the raw rows."""
    laps = raw_rows(session_key, "laps")
    pitted = {(p["driver_number"], p["lap_number"]) for p in raw_rows(session_key, "pit")}
    windows = sc_windows(session_key)
    candidates: dict[int, list[tuple[int, float]]] = {}
    for lap in laps:
        t = lap.get("lap_duration")
        if t is None or lap["lap_number"] == 1 or lap.get("is_pit_out_lap"):
            continue
        if (lap["driver_number"], lap["lap_number"]) in pitted:
            continue
        if lap.get("date_start") is None:
            if windows:
                continue
        else:
            a = when(lap["date_start"])
            b = a + timedelta(seconds=t)
            if any(a < end and start < b for start, end in windows):
                continue
        candidates.setdefault(lap["driver_number"], []).append((lap["lap_number"], t))
    keys = set()
    for driver, rows in candidates.items():
        best = sorted(t for _, t in rows)[0]
        keys |= {(driver, n) for n, t in rows if t <= best * 1.07}
    return keys


def clean_times(session_key: int, driver: int) -> list[float]:
    """The driver's clean lap times, by lap number."""
    keys = clean_lap_keys(session_key)
    rows = sorted(raw_rows(session_key, "laps"), key=lambda r: r["lap_number"])
    return [
        r["lap_duration"]
        for r in rows
        if r["driver_number"] == driver and (driver, r["lap_number"]) in keys
    ]


def early_verdicts(
    session_key: int, pitted: set[tuple[int, int]] | None
) -> dict[tuple[int, int], tuple[bool | None, str | None]]:
    """Each lap's ``(isClean, cleanLapExclusion)`` without race control (and without pit rows
    when ``pitted`` is None), from the raw rows: a lap with no time, lap 1 and a pit-out lap are
    not clean whatever the missing data says; a pit-in lap neither, when the pit rows are
    known; every other lap cannot be decided."""
    verdicts: dict[tuple[int, int], tuple[bool | None, str | None]] = {}
    for r in raw_rows(session_key, "laps"):
        key = (r["driver_number"], r["lap_number"])
        if r["lap_duration"] is None:
            verdicts[key] = (False, "NO_TIME")
        elif r["lap_number"] == 1:
            verdicts[key] = (False, "FIRST_LAP")
        elif r["is_pit_out_lap"]:
            verdicts[key] = (False, "PIT_OUT")
        elif pitted is not None and key in pitted:
            verdicts[key] = (False, "PIT_IN")
        else:
            verdicts[key] = (None, None)
    return verdicts
