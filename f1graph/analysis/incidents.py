"""Incidents read from race-control text: investigations, penalties, deleted laps, notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from f1graph.openf1.records import RaceControl


class IncidentKind(Enum):
    """What a race-control message says about an incident, read from its text."""

    LAP_DELETED = "LAP_DELETED"
    PENALTY_SERVED = "PENALTY_SERVED"
    PENALTY = "PENALTY"
    BLACK_AND_WHITE = "BLACK_AND_WHITE"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION"
    INVESTIGATION = "INVESTIGATION"
    NOTED = "NOTED"


# First match wins, so the order matters ("REVIEWED NO FURTHER INVESTIGATION" is not one).
_KINDS: tuple[tuple[IncidentKind, tuple[str, ...]], ...] = (
    (IncidentKind.LAP_DELETED, ("DELETED",)),
    (IncidentKind.PENALTY_SERVED, ("PENALTY SERVED",)),
    (IncidentKind.PENALTY, ("PENALTY", "DISQUALIFIED")),
    (IncidentKind.BLACK_AND_WHITE, ("BLACK AND WHITE",)),
    (IncidentKind.NO_FURTHER_ACTION, ("NO FURTHER", "REVIEWED")),
    (IncidentKind.INVESTIGATION, ("UNDER INVESTIGATION", "WILL BE INVESTIGATED")),
    (IncidentKind.NOTED, ("NOTED",)),
)
_CAR = re.compile(r"\b(\d{1,2}) \([A-Z]{3}\)")
_DELETED_LAP = re.compile(r"\bLAP (\d+)\b")
_DELETED_TIME = re.compile(r"\bTIME (?:(\d+):)?(\d+(?:\.\d+)?)\b")


@dataclass(frozen=True, slots=True)
class Incident:
    """An investigation, penalty, deleted lap time, black-and-white flag or note on cars."""

    date: datetime
    kind: IncidentKind
    driver_numbers: list[int]
    lap_number: int | None
    deleted_lap_number: int | None
    deleted_lap_duration_s: float | None
    message: str


def incident_kind(message: str | None) -> IncidentKind | None:
    """Classify a message by its text; None for a message that is not about an incident."""
    text = (message or "").upper()
    for kind, needles in _KINDS:
        if any(n in text for n in needles):
            return kind
    return None


def incidents(race_control: Sequence[RaceControl]) -> list[Incident]:
    """Messages classified by :func:`incident_kind` in time order, with the cars they name and,
    for a deleted time, the lap and the time [s] that were deleted."""
    out: list[Incident] = []
    for m in sorted(race_control, key=lambda m: m.date):
        kind = incident_kind(m.message)
        if kind is None or m.message is None:
            continue
        text = m.message.upper()
        cars = [int(n) for n in _CAR.findall(text)]
        if not cars and m.driver_number is not None:
            cars = [m.driver_number]
        lap = time = None
        if kind is IncidentKind.LAP_DELETED:
            if found := _DELETED_LAP.search(text):
                lap = int(found.group(1))
            if found := _DELETED_TIME.search(text):
                time = round(int(found.group(1) or 0) * 60 + float(found.group(2)), 3)
        out.append(Incident(m.date, kind, cars, m.lap_number, lap, time, m.message))
    return out


def deleted_laps(race_control: Sequence[RaceControl]) -> frozenset[tuple[int, int]]:
    """(driver, lap) of every deleted lap time that names one car and one lap."""
    return frozenset(
        (i.driver_numbers[0], i.deleted_lap_number)
        for i in incidents(race_control)
        if i.kind is IncidentKind.LAP_DELETED
        and len(i.driver_numbers) == 1
        and i.deleted_lap_number is not None
    )
