"""The one definition of a clean lap, and the per-session context that applies it.

A lap is **clean** when it has a ``lap_duration``, is not lap 1, is neither a pit-out lap
(``is_pit_out_lap``) nor a pit-in lap (the driver has a pit row with that ``lap_number``: OpenF1
gives the lap on which the car entered the pit lane), was not run under SC, VSC or a red flag
(its ``[date_start, date_start + lap_duration]`` overlaps no such period, see
:mod:`f1graph.analysis.track_status`), and is within ``CLEAN_LAP_THRESHOLD`` (107%) of the
driver's best lap among the laps that pass every other test.

A lap is **undecided** (neither clean nor not clean: ``is_clean`` is None) when a test it reaches,
in the order above, needs a dataset that is unknown: the pit-in test without the session's pit
rows, the SC/VSC/red-flag test without its race-control rows (unknown: the session should have
rows and has none, see :mod:`f1graph.openf1.coverage`). A lap failing an earlier test is decided
(lap 1 is never clean), and the 107% test is never reached while the tests before it are
undecided. A figure over clean laps (a count, a mean, a best) is unknown, never a guess, for any
set of laps holding an undecided one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Final, Literal

from f1graph.analysis.track_status import TrackStatus, TrackTimeline, lap_track_status, lap_window
from f1graph.openf1.records import Lap, Pit, RaceControl

CLEAN_LAP_THRESHOLD: Final = 1.07
"""A clean lap is at most this many times the driver's best (F1's 107% rule)."""

LapKey = tuple[int, int]
"""(driver_number, lap_number): Lap records hold lists, so they are not hashable themselves."""

_Undecided = Literal["undecided"]
_UNDECIDED: Final[_Undecided] = "undecided"
"""A test that cannot be applied: the dataset it needs is unknown."""


class LapExclusion(Enum):
    """Why a lap is not clean (the first test it fails, in the order of the definition)."""

    NO_TIME = "NO_TIME"
    FIRST_LAP = "FIRST_LAP"
    PIT_OUT = "PIT_OUT"
    PIT_IN = "PIT_IN"
    NEUTRALISED = "NEUTRALISED"
    SLOW = "SLOW"


def lap_key(lap: Lap) -> LapKey:
    """The lap's identity within a session."""
    return lap.driver_number, lap.lap_number


def pit_in_laps(pits: Sequence[Pit]) -> frozenset[LapKey]:
    """(driver, lap) of every lap on which a car entered the pit lane."""
    return frozenset((p.driver_number, p.lap_number) for p in pits if p.lap_number is not None)


def is_pit_in_lap(lap: Lap, pits: Sequence[Pit]) -> bool:
    """True when the driver has a pit row with this ``lap_number`` (the lap they pitted on)."""
    return lap_key(lap) in pit_in_laps(pits)


@dataclass(frozen=True, slots=True, eq=False)
class LapContext:
    """A session's laps with pits and track status applied once; answers "is this lap clean?"
    (True, False, or None while undecided: see the module docstring)."""

    laps: tuple[Lap, ...]
    pits: tuple[Pit, ...]
    timeline: TrackTimeline
    threshold: float
    pits_known: bool
    race_control_known: bool
    _by_driver: dict[int, tuple[Lap, ...]]
    _pit_in: frozenset[LapKey]
    _exclusions: dict[LapKey, LapExclusion]
    _undecided: frozenset[LapKey]

    @classmethod
    def build(
        cls,
        laps: Sequence[Lap],
        pits: Sequence[Pit] | None = (),
        race_control: Sequence[RaceControl] | None = (),
        session_end: datetime | None = None,
        threshold: float = CLEAN_LAP_THRESHOLD,
    ) -> LapContext:
        """Index ``laps`` by driver and classify every lap once; ``pits`` or ``race_control``
        None means that dataset is unknown (not empty), which leaves the laps reaching its test
        undecided."""
        timeline = TrackTimeline.build(race_control or (), laps, session_end)
        grouped: defaultdict[int, list[Lap]] = defaultdict(list)
        for lap in laps:
            grouped[lap.driver_number].append(lap)
        by_driver = {d: tuple(sorted(ls, key=lambda x: x.lap_number)) for d, ls in grouped.items()}
        pit_in = pit_in_laps(pits or ())
        exclusions: dict[LapKey, LapExclusion] = {}
        undecided: set[LapKey] = set()
        for driver_laps in by_driver.values():
            candidates: list[tuple[Lap, float]] = []
            for lap in driver_laps:
                reason = _basic_exclusion(
                    lap,
                    None if pits is None else pit_in,
                    None if race_control is None else timeline,
                )
                if reason == _UNDECIDED:
                    undecided.add(lap_key(lap))
                elif isinstance(reason, LapExclusion):
                    exclusions[lap_key(lap)] = reason
                elif lap.lap_duration is not None:
                    candidates.append((lap, lap.lap_duration))
            best = min((duration for _, duration in candidates), default=0.0)
            for lap, duration in candidates:
                if duration > best * threshold:
                    exclusions[lap_key(lap)] = LapExclusion.SLOW
        ordered = tuple(sorted(laps, key=lambda x: (x.lap_number, x.driver_number)))
        return cls(
            ordered,
            tuple(pits or ()),
            timeline,
            threshold,
            pits is not None,
            race_control is not None,
            by_driver,
            pit_in,
            exclusions,
            frozenset(undecided),
        )

    @property
    def drivers(self) -> list[int]:
        """Driver numbers with at least one lap, ascending."""
        return sorted(self._by_driver)

    def driver_laps(self, driver_number: int) -> tuple[Lap, ...]:
        """The driver's laps by lap number (empty for a driver without laps)."""
        return self._by_driver.get(driver_number, ())

    def exclusion(self, lap: Lap) -> LapExclusion | None:
        """Why the lap is not clean; None for a clean lap, and for an undecided one."""
        return self._exclusions.get(lap_key(lap))

    def is_clean(self, lap: Lap) -> bool | None:
        """True for a clean lap, None for an undecided one (see the module docstring)."""
        key = lap_key(lap)
        if key in self._undecided:
            return None
        return key not in self._exclusions

    def clean_among(self, laps: Iterable[Lap]) -> list[Lap] | None:
        """The clean laps among ``laps``, in their order; None when one of them is undecided."""
        clean = []
        for lap in laps:
            decided = self.is_clean(lap)
            if decided is None:
                return None
            if decided:
                clean.append(lap)
        return clean

    def clean_laps(self, driver_number: int | None = None) -> list[Lap] | None:
        """Clean laps of one driver, or of everyone, in the order of ``laps``; None when one of
        those laps is undecided."""
        return self.clean_among(
            self.laps if driver_number is None else self.driver_laps(driver_number)
        )

    def is_pit_in_lap(self, lap: Lap) -> bool | None:
        """True when the driver entered the pit lane on this lap; None without pit rows."""
        return lap_key(lap) in self._pit_in if self.pits_known else None

    def track_status(self, lap: Lap) -> TrackStatus | None:
        """The most restrictive track status during the lap; None without start or duration,
        or without race-control rows."""
        return lap_track_status(lap, self.timeline) if self.race_control_known else None


def _basic_exclusion(
    lap: Lap, pit_in: frozenset[LapKey] | None, timeline: TrackTimeline | None
) -> LapExclusion | _Undecided | None:
    """The first test before the 107% one that the lap fails (None: it passes them all), or
    _UNDECIDED when the first test it reaches needs unknown data (``pit_in`` or ``timeline``
    None)."""
    if lap.lap_duration is None:
        return LapExclusion.NO_TIME
    if lap.lap_number == 1:
        return LapExclusion.FIRST_LAP
    if lap.is_pit_out_lap:
        return LapExclusion.PIT_OUT
    if pit_in is None:
        return _UNDECIDED
    if lap_key(lap) in pit_in:
        return LapExclusion.PIT_IN
    if timeline is None:
        return _UNDECIDED
    window = lap_window(lap)
    if window is None:
        # Without a start time the lap cannot be placed against SC/VSC/red periods.
        return LapExclusion.NEUTRALISED if timeline.periods else None
    if timeline.neutralised(*window):
        return LapExclusion.NEUTRALISED
    return None
