"""The state of a session at an instant: tyres, the leader's lap, the snapshot a replay opens with.

The running order is :func:`f1graph.analysis.intervals.standings` over the session's
:class:`~f1graph.analysis.running_order.RunningOrder` itself, so a replay's snapshot and
``Session.standings(at:)`` cannot disagree.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from f1graph.analysis.intervals import standings
from f1graph.analysis.running_order import RunningOrder, lap_end_times
from f1graph.analysis.stints import own_lap_ranges
from f1graph.analysis.track_status import TrackTimeline
from f1graph.openf1.records import Interval, Lap, Position, Stint
from f1graph.replay.events import Snapshot, TrackOutline, Tyres
from f1graph.times import epoch_ms

MAX_SNAPSHOTS = 256  # snapshots kept per session (a few KB each)


@dataclass(frozen=True, slots=True)
class StintSpan:
    """A stint and when it began: the start of its first own lap (see
    :func:`f1graph.analysis.stints.first_own_lap`; unknown: ``None``)."""

    stint: Stint
    begin: datetime | None
    first_lap: int | None = None


@dataclass(eq=False)
class SessionState:
    """The rows a snapshot needs, ordered once so that each snapshot reads only a prefix."""

    positions: list[Position]
    intervals: list[Interval]
    laps: list[Lap]
    stints: dict[int, list[StintSpan]]
    lap_ends: dict[tuple[int, int], datetime]
    track: TrackTimeline
    running: RunningOrder
    _interval_ms: list[int] = field(init=False)
    _lap_starts_ms: list[tuple[int, int]] = field(init=False)
    _lap_ends_by_driver: dict[int, list[tuple[int, datetime]]] = field(init=False)
    _snapshots: dict[tuple[datetime, int], Snapshot] = field(init=False)

    def __post_init__(self) -> None:
        self._interval_ms = [epoch_ms(i.date) for i in self.intervals]
        self._lap_starts_ms = sorted(
            (epoch_ms(lap.date_start), lap.lap_number)
            for lap in self.laps
            if lap.date_start is not None
        )
        by_driver: defaultdict[int, list[tuple[int, datetime]]] = defaultdict(list)
        for (driver, lap_number), end in self.lap_ends.items():
            by_driver[driver].append((lap_number, end))
        self._lap_ends_by_driver = dict(by_driver)
        self._snapshots = {}

    @classmethod
    def build(
        cls,
        positions: Sequence[Position],
        intervals: Sequence[Interval],
        laps: Sequence[Lap],
        stints: Sequence[Stint],
        track: TrackTimeline,
        running: RunningOrder,
    ) -> SessionState:
        """Order the rows by time (stable: rows of one instant keep OpenF1's order); ``running``
        is the session's one running order (from its grid, see
        :meth:`~f1graph.analysis.running_order.RunningOrder.of_session`)."""
        starts = {
            (lap.driver_number, lap.lap_number): lap.date_start
            for lap in laps
            if lap.date_start is not None
        }
        spans: defaultdict[int, list[StintSpan]] = defaultdict(list)
        own = own_lap_ranges(stints)
        for stint in sorted(stints, key=lambda s: (s.driver_number, s.stint_number)):
            first, _ = own[stint.driver_number, stint.stint_number]
            begin = None if first is None else starts.get((stint.driver_number, first))
            spans[stint.driver_number].append(StintSpan(stint, begin, first))
        return cls(
            positions=sorted(positions, key=lambda p: p.date),
            intervals=sorted(intervals, key=lambda i: i.date),
            laps=list(laps),
            stints=dict(spans),
            lap_ends=lap_end_times(laps),
            track=track,
            running=running,
        )

    def tyres_at(self, at: datetime) -> list[Tyres]:
        """Each driver's stint at ``at``: the latest that began by then (before any began, the
        first: the tyres the car starts on), aged by the laps of it completed by then."""
        out: list[Tyres] = []
        for driver, spans in sorted(self.stints.items()):
            begun = [s for s in spans if s.begin is not None and s.begin <= at]
            span = begun[-1] if begun else spans[0]
            current = span.stint
            # tyre age as analysis.stints.tyre_age defines it: the set's age at fitting on its
            # first own lap (the out-lap), one more for each of its own laps completed by then
            age = current.tyre_age_at_start
            if age is not None and span.first_lap is not None:
                age += sum(
                    1
                    for n, end in self._lap_ends_by_driver.get(driver, ())
                    if n >= span.first_lap
                    and (current.lap_end is None or n <= current.lap_end)
                    and end <= at
                )
            out.append(Tyres(driver, current.stint_number, current.compound, age))
        return out

    def lap_number_at(self, at: datetime) -> int | None:
        """The leader's lap: the highest lap number any car has started by ``at``."""
        i = bisect.bisect_right(self._lap_starts_ms, (epoch_ms(at), 1 << 30))
        if i == 0:
            return None
        return max(n for _, n in self._lap_starts_ms[:i])

    def snapshot(self, at: datetime, track: TrackOutline | None = None) -> Snapshot:
        """Running order (``standings`` over the rows up to ``at``), tyres, status, lap; made
        once per instant (subscribers starting together share their first snapshot)."""
        key = (at, id(track))
        made = self._snapshots.get(key)
        if made is None:
            if len(self._snapshots) >= MAX_SNAPSHOTS:
                self._snapshots.clear()
            made = self._snapshots[key] = self._snapshot(at, track)
        return made

    def _snapshot(self, at: datetime, track: TrackOutline | None) -> Snapshot:
        t = epoch_ms(at)
        intervals = self.intervals[: bisect.bisect_right(self._interval_ms, t)]
        return Snapshot(
            at=at,
            order=standings(self.running, intervals, at),
            tyres=self.tyres_at(at),
            track_status=self.track.at(at).value,
            lap_number=self.lap_number_at(at),
            track=track,
        )
