"""The ``Interval`` type: gaps to the leader and to the car ahead."""

from __future__ import annotations

from datetime import datetime

import strawberry

from f1graph.analysis.intervals import parse_gap
from f1graph.openf1 import records
from f1graph.schema.common import Presents


def gap_seconds(value: float | str | None) -> float | None:
    """A gap in seconds, or ``None`` when OpenF1 gave laps (``+1 LAP``), text or nothing."""
    return parse_gap(value).gap_s


def laps_behind(value: float | str | None) -> int | None:
    """Laps behind from ``"+N LAP(S)"``; 0 for a gap in seconds; ``None`` when unknown."""
    gap = parse_gap(value)
    if gap.laps_behind is not None:
        return gap.laps_behind
    return 0 if gap.gap_s is not None else None


def raw_text(value: float | str | None) -> str | None:
    return None if value is None else str(value)


@strawberry.type(description="Gaps of one driver at one instant (races only; about every 4 s).")
class Interval(Presents[records.Interval]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    date: datetime = strawberry.field(description="When the gaps were measured (UTC).")
    gap_to_leader: strawberry.Private[float | str | None]
    interval: strawberry.Private[float | str | None]

    @strawberry.field(
        name="gapToLeader",
        description="Gap to the leader [s]; 0 for the leader; null when lapped or unknown.",
    )
    def gap_to_leader_s(self) -> float | None:
        return gap_seconds(self.gap_to_leader)

    @strawberry.field(
        name="interval",
        description="Gap to the car ahead [s]; 0 for the leader; null when lapped or unknown.",
    )
    def interval_s(self) -> float | None:
        return gap_seconds(self.interval)

    @strawberry.field(
        description="Laps behind the leader, from '+N LAP(S)'; 0 when on the lead lap."
    )
    def laps_behind_leader(self) -> int | None:
        return laps_behind(self.gap_to_leader)

    @strawberry.field(description="Laps behind the car ahead, from '+N LAP(S)'; 0 when on its lap.")
    def laps_behind_ahead(self) -> int | None:
        return laps_behind(self.interval)

    @strawberry.field(description="The gap to the leader as OpenF1 sent it (e.g. '+1 LAP').")
    def gap_to_leader_text(self) -> str | None:
        return raw_text(self.gap_to_leader)

    @strawberry.field(description="The gap to the car ahead as OpenF1 sent it.")
    def interval_text(self) -> str | None:
        return raw_text(self.interval)
