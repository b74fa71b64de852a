"""Classification types: a session's result and its starting grid."""

from __future__ import annotations

import strawberry

from f1graph.openf1 import records
from f1graph.schema.common import Presents
from f1graph.schema.interval import gap_seconds, laps_behind


@strawberry.type(description="A driver's classification in a session.")
class SessionResult(Presents[records.SessionResult]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    position: int | None = strawberry.field(description="Final position; null if unclassified.")
    number_of_laps: int | None = strawberry.field(description="Laps completed.")
    points: float | None = strawberry.field(description="Points scored.")
    dnf: bool | None = strawberry.field(description="Did not finish.")
    dns: bool | None = strawberry.field(description="Did not start.")
    dsq: bool | None = strawberry.field(description="Disqualified.")
    duration: strawberry.Private[float | list[float | None] | None]
    gap_to_leader: strawberry.Private[float | str | list[float | str | None] | None]

    @strawberry.field(
        name="duration",
        description="Race time [s], or in qualifying the best time of the last part reached.",
    )
    def duration_s(self) -> float | None:
        if isinstance(self.duration, list):
            times = [t for t in self.duration if t is not None]
            return times[-1] if times else None
        return self.duration

    @strawberry.field(description="Qualifying times [s] of Q1, Q2 and Q3 (null where not set).")
    def qualifying_durations(self) -> list[float | None] | None:
        return self.duration if isinstance(self.duration, list) else None

    @strawberry.field(
        name="gapToLeader", description="Gap to the winner [s]; null when lapped or unknown."
    )
    def gap_to_leader_s(self) -> float | None:
        gap = self.gap_to_leader
        if isinstance(gap, list):
            gaps = [g for g in gap if g is not None]
            gap = gaps[-1] if gaps else None
        return gap_seconds(gap)

    @strawberry.field(description="Laps behind the winner, from '+N LAP(S)'.")
    def laps_behind_leader(self) -> int | None:
        return None if isinstance(self.gap_to_leader, list) else laps_behind(self.gap_to_leader)


@strawberry.type(description="A slot on the starting grid.")
class GridSlot(Presents[records.StartingGrid]):
    session_key: int = strawberry.field(description="The session the grid was set in.")
    meeting_key: int | None = strawberry.field(description="The meeting.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    position: int | None = strawberry.field(description="Grid position, from 1.")
    lap_duration: float | None = strawberry.field(description="The qualifying lap that set it [s].")
