"""Pit stops: every stop with its lane and stationary time, the fastest, and per-team means."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from f1graph.openf1.records import Driver, Pit


@dataclass(frozen=True, slots=True)
class PitStopSummary:
    """One pit-lane visit: lane time (pit entry to exit) and stationary time [s] where known."""

    date: datetime
    driver_number: int
    name_acronym: str | None
    team_name: str | None
    lap_number: int | None
    lane_duration_s: float | None
    stop_duration_s: float | None


@dataclass(frozen=True, slots=True)
class TeamPitStops:
    """A team's stops: how many, and the mean and best lane time [s]."""

    team_name: str | None
    stop_count: int
    mean_lane_duration_s: float | None
    best_lane_duration_s: float | None


@dataclass(frozen=True, slots=True)
class PitStopAnalysis:
    """Every stop in time order, the fastest by lane time, and per-team figures."""

    stops: list[PitStopSummary]
    fastest: PitStopSummary | None
    fastest_stationary: PitStopSummary | None
    teams: list[TeamPitStops]


def lane_duration(pit: Pit) -> float | None:
    """The lane time [s]: ``lane_duration``, or the older ``pit_duration`` where it is missing."""
    return pit.lane_duration if pit.lane_duration is not None else pit.pit_duration


def pit_stop_analysis(pits: Sequence[Pit], drivers: Sequence[Driver] = ()) -> PitStopAnalysis:
    """Every stop (lane time = ``lane_duration`` or ``pit_duration``; stationary time =
    ``stop_duration``, from 2025), the fastest by lane time and by stationary time (a tie goes
    to the earlier stop), and per team (from ``drivers``) the count, mean and best lane time,
    best mean first."""
    known = {d.driver_number: d for d in drivers}
    stops = [
        PitStopSummary(
            date=p.date,
            driver_number=p.driver_number,
            name_acronym=known[p.driver_number].name_acronym if p.driver_number in known else None,
            team_name=known[p.driver_number].team_name if p.driver_number in known else None,
            lap_number=p.lap_number,
            lane_duration_s=lane_duration(p),
            stop_duration_s=p.stop_duration,
        )
        for p in sorted(pits, key=lambda p: p.date)
    ]
    lane = [(s.lane_duration_s, i) for i, s in enumerate(stops) if s.lane_duration_s is not None]
    still = [(s.stop_duration_s, i) for i, s in enumerate(stops) if s.stop_duration_s is not None]
    by_team: defaultdict[str | None, list[float]] = defaultdict(list)
    counts: defaultdict[str | None, int] = defaultdict(int)
    for s in stops:
        counts[s.team_name] += 1
        if s.lane_duration_s is not None:
            by_team[s.team_name].append(s.lane_duration_s)
    teams = [
        TeamPitStops(
            team_name=team,
            stop_count=counts[team],
            mean_lane_duration_s=statistics.fmean(by_team[team]) if by_team[team] else None,
            best_lane_duration_s=min(by_team[team], default=None),
        )
        for team in counts
    ]
    teams.sort(
        key=lambda t: (
            t.mean_lane_duration_s is None,
            t.mean_lane_duration_s or 0.0,
            t.team_name is None,
            t.team_name or "",
        )
    )
    return PitStopAnalysis(
        stops=stops,
        fastest=stops[min(lane)[1]] if lane else None,
        fastest_stationary=stops[min(still)[1]] if still else None,
        teams=teams,
    )
