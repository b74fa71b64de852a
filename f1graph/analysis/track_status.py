"""Track status over time (GREEN, YELLOW, VSC, SC, RED), replayed from race-control messages.

How messages move the status:

* ``SAFETY CAR DEPLOYED`` opens a safety-car period (and closes a VSC it replaces).
  ``SAFETY CAR IN THIS LAP`` closes it when the leader next crosses the line: the first start
  of lap ``n + 1`` after the message, where ``n`` is the message's (leader's) lap. Without laps
  to tell, the next track-wide ``CLEAR``/``GREEN`` flag closes it instead.
* ``VIRTUAL SAFETY CAR DEPLOYED`` opens a VSC period; ``VIRTUAL SAFETY CAR ENDING`` closes it.
* A ``RED`` flag opens a red-flag period and closes any SC or VSC period (the session is
  suspended); the next track-wide ``GREEN`` flag, or a session (re)start, closes it.
* ``YELLOW`` and ``DOUBLE YELLOW`` flags make a sector (or the whole track) yellow until a
  ``CLEAR``/``GREEN`` flag for that sector, or a track-wide one.

A period still open when the messages run out lasts until ``session_end`` (open-ended if unknown).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Final

from f1graph.openf1.records import Lap, RaceControl


class TrackStatus(Enum):
    """The state of the track, from least to most restrictive."""

    GREEN = "GREEN"
    YELLOW = "YELLOW"
    VSC = "VSC"
    SC = "SC"
    RED = "RED"

    @property
    def severity(self) -> int:
        """0 for GREEN up to 4 for RED."""
        return _SEVERITY[self]

    @property
    def neutralised(self) -> bool:
        """True under a safety car, a virtual safety car or a red flag."""
        return self in NEUTRALISED


_SEVERITY: Final = {s: i for i, s in enumerate(TrackStatus)}
NEUTRALISED: Final = frozenset({TrackStatus.VSC, TrackStatus.SC, TrackStatus.RED})


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    """A stretch of one neutralising status (SC, VSC or RED); ``end`` None: still open."""

    status: TrackStatus
    start: datetime
    end: datetime | None
    start_lap: int | None
    end_lap: int | None


def _text(msg: RaceControl) -> str:
    return (msg.message or "").upper()


def _track_wide(msg: RaceControl) -> bool:
    return (msg.scope or "Track").upper() == "TRACK"


def _is_sc_deployed(text: str) -> bool:
    return "SAFETY CAR DEPLOYED" in text and "VIRTUAL" not in text


def _sc_end(msg: RaceControl, later: Sequence[RaceControl], laps: Sequence[Lap]) -> datetime | None:
    """When the leader crosses the line after ``SAFETY CAR IN THIS LAP``."""
    if msg.lap_number is not None:
        starts = [
            lap.date_start
            for lap in laps
            if lap.lap_number == msg.lap_number + 1
            and lap.date_start is not None
            and lap.date_start > msg.date
        ]
        if starts:
            return min(starts)
    for other in later:
        if (other.flag or "").upper() in {"CLEAR", "GREEN"} and _track_wide(other):
            return other.date
    return None


@dataclass(frozen=True, slots=True, eq=False)
class TrackTimeline:
    """The track status as a step function of time, built once from a session's messages."""

    times: tuple[datetime, ...]
    statuses: tuple[TrackStatus, ...]
    periods: tuple[StatusPeriod, ...]

    @classmethod
    def build(
        cls,
        race_control: Sequence[RaceControl],
        laps: Sequence[Lap] = (),
        session_end: datetime | None = None,
    ) -> TrackTimeline:
        """Replay ``race_control`` (any order) into status changes and SC/VSC/RED periods."""
        msgs = sorted(race_control, key=lambda m: m.date)
        # (time, order, kind, message): synthetic SC ends are merged with the messages.
        events: list[tuple[datetime, int, str, RaceControl]] = []
        for i, msg in enumerate(msgs):
            events.append((msg.date, i, "msg", msg))
            if "SAFETY CAR IN THIS LAP" in _text(msg):
                end = _sc_end(msg, msgs[i + 1 :], laps)
                if end is not None:
                    events.append((end, i, "sc_end", msg))
        events.sort(key=lambda e: (e[0], e[1]))

        open_at: dict[TrackStatus, tuple[datetime, int | None]] = {}
        periods: list[StatusPeriod] = []
        yellow: set[int | None] = set()
        times: list[datetime] = []
        statuses: list[TrackStatus] = []

        def close(status: TrackStatus, at: datetime, lap: int | None) -> None:
            if status in open_at:
                start, start_lap = open_at.pop(status)
                periods.append(StatusPeriod(status, start, at, start_lap, lap))

        def open_(status: TrackStatus, at: datetime, lap: int | None) -> None:
            open_at.setdefault(status, (at, lap))

        for at, _, kind, msg in events:
            text, flag = _text(msg), (msg.flag or "").upper()
            if kind == "sc_end":
                close(TrackStatus.SC, at, msg.lap_number)
            elif "VIRTUAL SAFETY CAR DEPLOYED" in text or text == "VSC DEPLOYED":
                open_(TrackStatus.VSC, at, msg.lap_number)
            elif "VIRTUAL SAFETY CAR ENDING" in text or text == "VSC ENDING":
                close(TrackStatus.VSC, at, msg.lap_number)
            elif _is_sc_deployed(text):
                close(TrackStatus.VSC, at, msg.lap_number)
                open_(TrackStatus.SC, at, msg.lap_number)
            elif flag == "RED" or text.startswith("RED FLAG"):
                close(TrackStatus.SC, at, msg.lap_number)
                close(TrackStatus.VSC, at, msg.lap_number)
                open_(TrackStatus.RED, at, msg.lap_number)
            elif flag in {"YELLOW", "DOUBLE YELLOW"} and (msg.scope or "").upper() != "DRIVER":
                yellow.add(None if _track_wide(msg) else msg.sector)
            elif flag in {"CLEAR", "GREEN"} and (msg.scope or "").upper() != "DRIVER":
                if _track_wide(msg):
                    yellow.clear()
                    if flag == "GREEN":
                        close(TrackStatus.RED, at, msg.lap_number)
                else:
                    yellow.discard(msg.sector)
            elif (msg.category or "").upper() == "SESSIONSTATUS" and (
                "STARTED" in text or "RESUMED" in text
            ):
                close(TrackStatus.RED, at, msg.lap_number)
            status = max(
                [*open_at, *([TrackStatus.YELLOW] if yellow else []), TrackStatus.GREEN],
                key=lambda s: s.severity,
            )
            if not statuses or statuses[-1] is not status:
                times.append(at)
                statuses.append(status)

        last_lap = max((lap.lap_number for lap in laps), default=None)
        for status, (start, start_lap) in open_at.items():
            periods.append(StatusPeriod(status, start, session_end, start_lap, last_lap))
        periods.sort(key=lambda p: p.start)
        return cls(tuple(times), tuple(statuses), tuple(periods))

    def at(self, instant: datetime) -> TrackStatus:
        """The status in force at ``instant`` (GREEN before the first message)."""
        i = bisect.bisect_right(self.times, instant)
        return self.statuses[i - 1] if i else TrackStatus.GREEN

    def worst(self, start: datetime, end: datetime) -> TrackStatus:
        """The most restrictive status in force at any time in ``[start, end)``."""
        lo = bisect.bisect_right(self.times, start)
        hi = bisect.bisect_left(self.times, end)
        return max([self.at(start), *self.statuses[lo:hi]], key=lambda s: s.severity)

    def neutralised(self, start: datetime, end: datetime) -> bool:
        """True when ``[start, end]`` overlaps an SC, VSC or red-flag period."""
        return any(p.start < end and (p.end is None or start < p.end) for p in self.periods)


def lap_window(lap: Lap) -> tuple[datetime, datetime] | None:
    """``[date_start, date_start + lap_duration]``, or None when either is unknown."""
    if lap.date_start is None or lap.lap_duration is None:
        return None
    return lap.date_start, lap.date_start + timedelta(seconds=lap.lap_duration)


def lap_track_status(lap: Lap, timeline: TrackTimeline) -> TrackStatus | None:
    """The most restrictive status during the lap's window; None when the window is unknown."""
    window = lap_window(lap)
    return None if window is None else timeline.worst(*window)
