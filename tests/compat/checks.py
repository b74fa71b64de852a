"""Checks of the race-control, stint and health routes' data, from the recorded rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.compat.conftest import RACE
from tests.data import raw_rows


def _race_control(data: Any) -> None:
    raw = [r for r in raw_rows(RACE, "race_control") if r["category"] == "SafetyCar"]
    assert [d["message"] for d in data] == [r["message"] for r in raw] and len(raw) == 2


def _flags(data: Any) -> None:
    want = Counter(r["flag"] for r in raw_rows(RACE, "race_control") if r["flag"])
    assert {c["flag"]: c["count"] for c in data["counts"]} == want


def _safety_car(data: Any) -> None:
    assert [(p["kind"], p["firstLap"]) for p in data][:1] == [("SC", 22)]


def _incidents(data: Any) -> None:
    messages = {r["message"] for r in raw_rows(RACE, "race_control")}
    assert data and all(d["message"] in messages for d in data)


def _timeline(data: Any) -> None:
    kinds = Counter(e["kind"] for e in data)
    assert kinds["PIT_STOP"] == len(raw_rows(RACE, "pit"))
    assert kinds["RACE_CONTROL"] == len(raw_rows(RACE, "race_control"))


def _rc_statistics(data: Any) -> None:
    raw = raw_rows(RACE, "race_control")
    assert data["messageCount"] == len(raw)
    assert {c["category"]: c["count"] for c in data["byCategory"]} == Counter(
        r["category"] for r in raw
    )


def _soft(data: Any) -> None:
    raw = [s for s in raw_rows(RACE, "stints") if s["compound"] == "SOFT"]
    assert {(d["driverNumber"], d["stintNumber"]) for d in data} == {
        (s["driver_number"], s["stint_number"]) for s in raw
    }


def _stints_of_one(data: Any) -> None:
    raw = sorted(
        (s["stint_number"], s["compound"])
        for s in raw_rows(RACE, "stints")
        if s["driver_number"] == 1
    )
    assert [(d["stintNumber"], d["compound"]) for d in data] == raw


def _strategy(data: Any) -> None:
    mine = next(d for d in data["tyreStrategies"] if d["driverNumber"] == 1)
    raw = sorted((s["stint_number"], s["compound"][0]) for s in raw_rows(RACE, "stints")
                 if s["driver_number"] == 1)  # fmt: skip
    assert mine["label"] == "-".join(c for _, c in raw)
    assert sum(c["count"] for c in data["commonStrategies"]) == len(data["tyreStrategies"])


def _pit_stops(data: Any) -> None:
    assert len(data["stops"]) == len(raw_rows(RACE, "pit"))


def _tyre_performance(data: Any) -> None:
    assert {d["compound"] for d in data} == {s["compound"] for s in raw_rows(RACE, "stints")}


def _wear(data: Any) -> None:
    assert len(data) == len(raw_rows(RACE, "stints"))


def _health(data: Any) -> None:
    assert data["status"] == "ok" and data["cache"]["backend"] == "memory"
    assert data["cache"]["healthy"] is True and data["circuitBreaker"]["state"] == "closed"


def _breaker(data: Any) -> None:
    assert data["state"] == "closed" and data["failureThreshold"] == 5
