"""Per-lap analysis facts of a whole session, computed once per dataset version.

A thousand laps each asking "am I clean?" must not each await their session's datasets: when
those datasets are already parsed and fresh in this process, a lap's facts are read
synchronously; otherwise the first read awaits them through the request's loaders.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from f1graph.analysis import incidents, laps, stints
from f1graph.analysis.clean import LapExclusion
from f1graph.analysis.track_status import TrackStatus
from f1graph.data import Derived
from f1graph.openf1 import always_has
from f1graph.runtime import Info
from f1graph.schema.common import loaders
from f1graph.schema.session_data import derived_lap_context

# the datasets the facts are computed from, in this order
_SOURCES = ("laps", "pit", "race_control", "sessions", "stints")


@dataclass(frozen=True, slots=True)
class LapFacts:
    """What the analyses say of one lap."""

    is_pit_in_lap: bool | None
    is_clean: bool
    clean_lap_exclusion: LapExclusion | None
    is_personal_best: bool
    tyre_age: int | None
    compound: str | None
    track_status: TrackStatus | None


# the datasets each fact is derived from: when one is unavailable the answer lists it, and the
# facts marked nullable below are null (unknown) rather than a guess
_NEEDS: dict[str, tuple[str, ...]] = {
    "is_pit_in_lap": ("pit",),
    "is_clean": ("pit", "race_control"),
    "clean_lap_exclusion": ("pit", "race_control"),
    "is_personal_best": ("race_control",),
    "tyre_age": ("stints",),
    "compound": ("stints",),
    "track_status": ("race_control",),
}


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """Every lap's facts, and the source datasets missing although the session should have
    them."""

    by_lap: dict[tuple[int, int], LapFacts]
    missing: frozenset[str]


def _compute(derived: Derived, inputs: list[Any]) -> SessionFacts:
    laps_ds, pits_ds, race_control_ds, sessions_ds, stints_ds = inputs
    session_type = sessions_ds.rows[0].session_type if sessions_ds.rows else None
    missing = frozenset(
        name
        for name, dataset in zip(_SOURCES, inputs, strict=True)
        if not dataset.rows and always_has(session_type, name)
    )
    ctx = derived_lap_context(derived, laps_ds, pits_ds, race_control_ds, sessions_ds)
    stint_rows = stints_ds.rows
    deleted = incidents.deleted_laps(race_control_ds.rows)
    stints_by_driver: dict[int, list[Any]] = {}
    for s in sorted(stint_rows, key=lambda s: s.stint_number):
        stints_by_driver.setdefault(s.driver_number, []).append(s)
    out: dict[tuple[int, int], LapFacts] = {}
    for driver in ctx.drivers:
        driver_laps = ctx.driver_laps(driver)  # by lap number
        driver_stints = stints_by_driver.get(driver, [])
        for i, lap in enumerate(driver_laps):
            key = (lap.driver_number, lap.lap_number)
            stint = stints.stint_for_lap(lap, driver_stints)
            age = None
            if stint is not None:
                age = stints.tyre_age(lap, stint, stints.previous_stint(stint, driver_stints))
            out[key] = LapFacts(
                is_pit_in_lap=None if "pit" in missing else ctx.is_pit_in_lap(lap),
                is_clean=ctx.is_clean(lap),
                clean_lap_exclusion=ctx.exclusion(lap),
                is_personal_best=laps.is_personal_best(lap, driver_laps[: i + 1], deleted),
                tyre_age=age,
                compound=None if stint is None else stint.compound,
                track_status=None if "race_control" in missing else ctx.track_status(lap),
            )
    return SessionFacts(out, missing)


def _facts_of(derived: Derived, inputs: list[Any]) -> SessionFacts:
    key = ("lap_facts", inputs[0].session_key)
    return derived.get(key, inputs, lambda: _compute(derived, inputs))


def session_facts(info: Info, session_key: int) -> SessionFacts | Awaitable[SessionFacts]:
    """The session's lap facts: at once when its datasets are warm here, else awaitable."""
    datasets = info.context.services.datasets
    inputs = [datasets.peek(name, session_key) for name in _SOURCES]
    if all(d is not None for d in inputs):
        return _facts_of(info.context.services.derived, inputs)
    return _session_facts_later(info, session_key)


async def _session_facts_later(info: Info, session_key: int) -> SessionFacts:
    load = loaders(info)
    inputs = list(await asyncio.gather(*(load.dataset(n, session_key) for n in _SOURCES)))
    return _facts_of(info.context.services.derived, inputs)


def _one(info: Info, facts: SessionFacts, lap: Any, name: str) -> Any:
    for endpoint in _NEEDS[name]:
        if endpoint in facts.missing:
            loaders(info).mark_unavailable(lap.session_key, endpoint)
    found = facts.by_lap.get((lap.driver_number, lap.lap_number))
    return None if found is None else getattr(found, name)


def fact(info: Info, lap: Any, name: str) -> Any:
    """One fact of the lap (null when the lap is unknown), at once or as an awaitable; the
    answer lists the datasets the fact needed that are unavailable."""
    found = session_facts(info, lap.session_key)
    if isinstance(found, SessionFacts):
        return _one(info, found, lap, name)
    return _field_later(info, found, lap, name)


async def _field_later(info: Info, found: Awaitable[SessionFacts], lap: Any, name: str) -> Any:
    return _one(info, await found, lap, name)
