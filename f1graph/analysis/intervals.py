"""Gaps between cars: parsing OpenF1's gap values, the running order at an instant, gap statistics.

OpenF1 gives ``interval`` (to the car ahead) and ``gap_to_leader`` in seconds, as text such as
``"+1 LAP"`` for a lapped car, or null; the leader's are 0. Races only: qualifying has none.
"""

from __future__ import annotations

import bisect
import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from f1graph.analysis.running_order import RunningOrder
from f1graph.openf1.records import Interval

WITHIN_S: Final = 1.0
"""Close enough to the car ahead to count as "within one second" (the DRS/overtake window)."""

_LAPS = re.compile(r"^\+?\s*(\d+)\s*LAPS?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Gap:
    """A parsed gap: seconds, or whole laps behind for a lapped car; ``text`` as OpenF1 sent it."""

    gap_s: float | None
    laps_behind: int | None
    text: str | None

    @property
    def sort_key(self) -> tuple[int, float]:
        """Orders gaps as a timing screen does: seconds first, then laps behind, unknown last."""
        if self.laps_behind is not None:
            return 1, float(self.laps_behind)
        if self.gap_s is not None:
            return 0, self.gap_s
        return 2, 0.0


def parse_gap(value: float | str | None) -> Gap:
    """Parse an ``interval``/``gap_to_leader`` value: a number is seconds (the leader's 0 stays
    0.0), ``"+N LAP(S)"`` is N laps behind, a numeric string is seconds, and null or ``""`` is
    unknown."""
    if value is None or isinstance(value, bool):
        return Gap(None, None, None)
    if isinstance(value, int | float):
        # msgspec turns JSON 0 into 0.0: render numbers alike whichever way they arrived.
        return Gap(float(value), None, f"{float(value):.3f}".rstrip("0").rstrip("."))
    text = value.strip()
    if not text:
        return Gap(None, None, None)
    laps = _LAPS.match(text)
    if laps:
        return Gap(None, int(laps.group(1)), value)
    try:
        return Gap(float(text.lstrip("+")), None, value)
    except ValueError:
        return Gap(None, None, value)


def _known(gap: Gap) -> bool:
    return gap.gap_s is not None or gap.laps_behind is not None


def _is_leader_row(row: Interval) -> bool:
    # The leader has no car ahead: OpenF1 reports 0 for both values.
    return parse_gap(row.gap_to_leader).gap_s == 0.0 or parse_gap(row.interval).gap_s == 0.0


@dataclass(frozen=True, slots=True)
class Standing:
    """One car in the running order at an instant."""

    position: int | None
    driver_number: int
    interval: Gap | None
    gap_to_leader: Gap | None
    position_date: datetime | None
    interval_date: datetime | None


@dataclass(frozen=True, slots=True, eq=False)
class LatestRows:
    """Interval rows per car in time order, to find each car's latest at an instant quickly."""

    by_driver: dict[int, tuple[list[datetime], list[Interval]]]

    @classmethod
    def of(cls, rows: Sequence[Interval]) -> LatestRows:
        grouped: defaultdict[int, list[Interval]] = defaultdict(list)
        for row in sorted(rows, key=lambda r: r.date):
            grouped[row.driver_number].append(row)
        return cls({d: ([r.date for r in rs], rs) for d, rs in grouped.items()})

    def at(self, instant: datetime) -> dict[int, Interval]:
        """Each car's latest row at or before ``instant`` (the last filed, on a tie)."""
        out: dict[int, Interval] = {}
        for driver, (dates, rows) in self.by_driver.items():
            i = bisect.bisect_right(dates, instant)
            if i:
                out[driver] = rows[i - 1]
        return out


def standings(
    running: RunningOrder, intervals: Sequence[Interval] | LatestRows, at: datetime
) -> list[Standing]:
    """The running order at ``at`` (:mod:`f1graph.analysis.running_order`: the position feed,
    completed from the laps where it is silent), each car with its latest interval row at or
    before ``at``; cars known only from intervals follow, by gap to the leader."""
    latest = intervals if isinstance(intervals, LatestRows) else LatestRows.of(intervals)
    gaps = latest.at(at)
    placed = running.at(at)
    rows = [
        Standing(
            position=p.position,
            driver_number=p.driver_number,
            interval=parse_gap(gaps[p.driver_number].interval) if p.driver_number in gaps else None,
            gap_to_leader=parse_gap(gaps[p.driver_number].gap_to_leader)
            if p.driver_number in gaps
            else None,
            position_date=p.date,
            interval_date=gaps[p.driver_number].date if p.driver_number in gaps else None,
        )
        for p in placed
    ]
    known = {p.driver_number for p in placed}
    extra = [
        Standing(
            position=None,
            driver_number=d,
            interval=parse_gap(g.interval),
            gap_to_leader=parse_gap(g.gap_to_leader),
            position_date=None,
            interval_date=g.date,
        )
        for d, g in gaps.items()
        if d not in known
    ]
    extra.sort(
        key=lambda s: (s.gap_to_leader.sort_key if s.gap_to_leader else (3, 0.0), s.driver_number)
    )
    return rows + extra


@dataclass(frozen=True, slots=True)
class GapAnalysis:
    """One driver's gaps over the session [s]; the leader's own rows are left out of the
    interval statistics."""

    driver_number: int
    sample_count: int
    min_interval_s: float | None
    max_interval_s: float | None
    mean_interval_s: float | None
    final_gap_to_leader: Gap | None
    time_within_1s_s: float


def gap_analysis(intervals: Sequence[Interval]) -> list[GapAnalysis]:
    """Per driver: smallest, largest and mean numeric interval to the car ahead (rows where the
    driver leads are skipped), the last gap to the leader, and the time [s] spent at most
    ``WITHIN_S`` behind the car ahead, each row's interval holding until the driver's next row.
    Ordered by final gap to the leader."""
    by_driver: defaultdict[int, list[Interval]] = defaultdict(list)
    for row in intervals:
        by_driver[row.driver_number].append(row)
    out: list[GapAnalysis] = []
    for driver, rows in by_driver.items():
        rows.sort(key=lambda r: r.date)
        values: list[float] = []
        within = 0.0
        for i, row in enumerate(rows):
            value = parse_gap(row.interval).gap_s
            if value is None or _is_leader_row(row):
                continue
            values.append(value)
            if value <= WITHIN_S and i + 1 < len(rows):
                within += (rows[i + 1].date - row.date).total_seconds()
        final = next((g for r in reversed(rows) if _known(g := parse_gap(r.gap_to_leader))), None)
        out.append(
            GapAnalysis(
                driver_number=driver,
                sample_count=len(rows),
                min_interval_s=min(values, default=None),
                max_interval_s=max(values, default=None),
                mean_interval_s=statistics.fmean(values) if values else None,
                final_gap_to_leader=final,
                time_within_1s_s=round(within, 3),
            )
        )
    return sorted(
        out,
        key=lambda g: (
            g.final_gap_to_leader.sort_key if g.final_gap_to_leader else (3, 0.0),
            g.driver_number,
        ),
    )
