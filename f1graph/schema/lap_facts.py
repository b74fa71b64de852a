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
from f1graph.runtime import Info
from f1graph.schema.common import loaders
from f1graph.schema.session_data import derived_lap_context

# the datasets the facts are computed from, in this order
_SOURCES = ("laps", "pit", "race_control", "sessions", "stints")


@dataclass(frozen=True, slots=True)
class LapFacts:
    """What the analyses say of one lap."""

    is_pit_in_lap: bool
    is_clean: bool
    clean_lap_exclusion: LapExclusion | None
    is_personal_best: bool
    tyre_age: int | None
    compound: str | None
    track_status: TrackStatus | None


FactsByLap = dict[tuple[int, int], LapFacts]


def _compute(derived: Derived, inputs: list[Any]) -> FactsByLap:
    laps_ds, pits_ds, race_control_ds, sessions_ds, stints_ds = inputs
    ctx = derived_lap_context(derived, laps_ds, pits_ds, race_control_ds, sessions_ds)
    stint_rows = stints_ds.rows
    deleted = incidents.deleted_laps(race_control_ds.rows)
    stints_by_driver: dict[int, list[Any]] = {}
    for s in stint_rows:
        stints_by_driver.setdefault(s.driver_number, []).append(s)
    out: FactsByLap = {}
    for driver in ctx.drivers:
        driver_laps = ctx.driver_laps(driver)  # by lap number
        for i, lap in enumerate(driver_laps):
            key = (lap.driver_number, lap.lap_number)
            stint = stints.stint_for_lap(lap, stints_by_driver.get(driver, []))
            out[key] = LapFacts(
                is_pit_in_lap=ctx.is_pit_in_lap(lap),
                is_clean=ctx.is_clean(lap),
                clean_lap_exclusion=ctx.exclusion(lap),
                is_personal_best=laps.is_personal_best(lap, driver_laps[: i + 1], deleted),
                tyre_age=None if stint is None else stints.tyre_age(lap, stint),
                compound=None if stint is None else stint.compound,
                track_status=ctx.track_status(lap),
            )
    return out


def _facts_of(derived: Derived, inputs: list[Any]) -> FactsByLap:
    key = ("lap_facts", inputs[0].session_key)
    return derived.get(key, inputs, lambda: _compute(derived, inputs))


def lap_facts(info: Info, lap: Any) -> LapFacts | Awaitable[LapFacts | None] | None:
    """The lap's facts: at once when the session's datasets are warm here, else awaitable."""
    datasets = info.context.services.datasets
    inputs = [datasets.peek(name, lap.session_key) for name in _SOURCES]
    if all(d is not None for d in inputs):
        derived = info.context.services.derived
        facts = derived.get(
            ("lap_facts", lap.session_key), inputs, lambda: _compute(derived, inputs)
        )
        return facts.get((lap.driver_number, lap.lap_number))
    return _lap_facts_later(info, lap)


async def _lap_facts_later(info: Info, lap: Any) -> LapFacts | None:
    load = loaders(info)
    inputs = list(await asyncio.gather(*(load.dataset(n, lap.session_key) for n in _SOURCES)))
    facts = _facts_of(info.context.services.derived, inputs)
    return facts.get((lap.driver_number, lap.lap_number))


def fact(info: Info, lap: Any, name: str) -> Any:
    """One fact of the lap (null when the lap is unknown), at once or as an awaitable."""
    found = lap_facts(info, lap)
    if isinstance(found, LapFacts) or found is None:
        return None if found is None else getattr(found, name)
    return _field_later(found, name)


async def _field_later(found: Awaitable[LapFacts | None], name: str) -> Any:
    facts = await found
    return None if facts is None else getattr(facts, name)
