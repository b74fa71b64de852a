"""Result types of the interval, position and race-control analyses."""

from __future__ import annotations

from datetime import datetime

import strawberry

from f1graph.analysis import incidents as incidents_analysis
from f1graph.analysis import intervals as intervals_analysis
from f1graph.analysis import positions as positions_analysis
from f1graph.analysis import race_control as race_control_analysis
from f1graph.analysis import running_order as running_order_analysis
from f1graph.analysis.incidents import IncidentKind
from f1graph.analysis.race_control import TimelineKind
from f1graph.analysis.track_status import TrackStatus
from f1graph.schema.common import Presents

F = strawberry.field

# The analyses' enums are the graph's: strawberry.enum marks each class and returns it, so fields
# are annotated with the class itself and mypy sees a type.
strawberry.enum(TrackStatus, description="The state of the track.")
strawberry.enum(IncidentKind, description="What a message says of an incident.")
strawberry.enum(TimelineKind, description="Where a timeline event comes from.")


@strawberry.type(description="A gap: seconds, or laps behind for a lapped car.")
class Gap(Presents[intervals_analysis.Gap]):
    gap_s: float | None = F(name="seconds", description="The gap [s]; null when lapped.")
    laps_behind: int | None = F(description="Laps behind, from '+N LAP(S)'.")
    text: str | None = F(description="As OpenF1 sent it.")


@strawberry.type(description="One car in the running order at an instant.")
class Standing(Presents[intervals_analysis.Standing]):
    position: int | None = F(
        description="The place in the running order (null for a car known only from intervals)."
    )
    driver_number: int = F(description="The driver's car number.")
    interval: Gap | None = F(description="To the car ahead (races only).")
    gap_to_leader: Gap | None = F(description="To the leader (races only).")
    position_date: datetime | None = F(
        description="When the position row it rests on was filed; null when the place was "
        "completed from the laps (the feed silent for the car)."
    )
    interval_date: datetime | None = F(description="When that gap was measured.")


@strawberry.type(description="A driver's gaps over the session (races only).")
class GapAnalysis(Presents[intervals_analysis.GapAnalysis]):
    driver_number: int = F(description="The driver's car number.")
    sample_count: int = F(description="Interval rows.")
    min_interval_s: float | None = F(name="minInterval", description="Smallest gap ahead [s].")
    max_interval_s: float | None = F(name="maxInterval", description="Largest gap ahead [s].")
    mean_interval_s: float | None = F(name="meanInterval", description="Mean gap ahead [s].")
    final_gap_to_leader: Gap | None = F(description="The last known gap to the leader.")
    time_within_1s_s: float = F(
        name="timeWithin1s",
        description="Seconds within 1.0 s of the car ahead (each row holds until the next).",
    )


@strawberry.type(description="One position change.")
class PositionChange(Presents[running_order_analysis.PositionChange]):
    date: datetime = F(description="When (UTC).")
    from_position: int = F(description="Before.")
    to_position: int = F(description="After.")

    @F(description="Places gained by this change (positive is forward).")
    def places_gained(self) -> int:
        return self.from_position - self.to_position


@strawberry.type(description="A driver's positions over the session.")
class DriverPositions(Presents[positions_analysis.DriverPositions]):
    driver_number: int = F(description="The driver's car number.")
    start_position: int | None = F(
        description="The grid slot, else (races) the last position row dated before the start; "
        "null when neither is known (never the first position change)."
    )
    start_from_grid: bool = F(description="Whether the start came from the starting grid.")
    finish_position: int | None = F(
        description="The place in the running order after the last position row and lap."
    )
    places_gained: int | None = F(description="Start minus finish: positive is forward.")
    changes: list[PositionChange] = F(
        description="Every change of place in the running order from the start on, in time order."
    )


@strawberry.type(description="A car at the end of a lap.")
class LapOrderEntry(Presents[running_order_analysis.LapPlace]):
    position: int = F(description="The car's place in the running order when it completed the lap.")
    driver_number: int = F(description="The driver's car number.")
    completed_at: datetime = F(description="When the car completed the lap.")
    reported_position: int | None = F(
        description="OpenF1's position feed's own last row for the car at that moment (null "
        "when the feed has none)."
    )


@strawberry.type(description="The order at the end of one lap.")
class LapProgress(Presents[running_order_analysis.LapOrder]):
    lap_number: int = F(description="The lap.")
    leader_driver_number: int | None = F(description="Who led at its end.")
    order: list[LapOrderEntry] = F(description="The order in which cars completed it.")


@strawberry.type(description="A safety-car or virtual-safety-car period.")
class SafetyCarPeriod(Presents[race_control_analysis.SafetyCarPeriod]):
    kind: TrackStatus = F(description="SC or VSC.")
    deployed: datetime = F(description="Deployed (UTC).")
    ended: datetime | None = F(description="Ended; the session's end if still open then.")
    first_lap: int | None = F(description="The leader's lap when deployed.")
    last_lap: int | None = F(description="The leader's lap when it ended.")
    duration_s: float | None = F(name="duration", description="Length [s].")


@strawberry.type(description="A flag message.")
class FlagMessage(Presents[race_control_analysis.FlagMessage]):
    date: datetime = F(description="When (UTC).")
    flag: str = F(description="The flag.")
    scope: str | None = F(description="Track, Sector or Driver.")
    sector: int | None = F(description="The mini-sector.")
    driver_number: int | None = F(description="The car.")
    lap_number: int | None = F(description="The lap.")
    message: str | None = F(description="The text.")


@strawberry.type(description="How many messages showed one flag.")
class FlagCount(Presents[race_control_analysis.FlagCount]):
    flag: str = F(description="The flag.")
    count: int = F(description="Messages.")


@strawberry.type(description="Flag messages in order, and counted by flag.")
class FlagSummary(Presents[race_control_analysis.FlagSummary]):
    messages: list[FlagMessage] = F(description="Every flag message in time order.")
    counts: list[FlagCount] = F(description="Count per flag, most frequent first.")


@strawberry.type(description="An investigation, penalty, deleted lap time or note on cars.")
class Incident(Presents[incidents_analysis.Incident]):
    date: datetime = F(description="When (UTC).")
    kind: IncidentKind = F(description="What the message says.")
    driver_numbers: list[int] = F(description="Cars named.")
    lap_number: int | None = F(description="The lap of the message.")
    deleted_lap_number: int | None = F(description="The lap whose time was deleted.")
    deleted_lap_duration_s: float | None = F(
        name="deletedLapDuration", description="The deleted time [s]."
    )
    message: str = F(description="The text.")


@strawberry.type(description="One event of the merged race timeline.")
class TimelineEvent(Presents[race_control_analysis.TimelineEvent]):
    date: datetime = F(description="When (UTC).")
    kind: TimelineKind = F(description="Source of the event.")
    lap_number: int | None = F(description="The lap.")
    driver_number: int | None = F(description="The car.")
    category: str | None = F(description="Race-control category.")
    flag: str | None = F(description="Flag.")
    message: str = F(description="What happened.")
    duration_s: float | None = F(
        name="duration", description="Pit lane time or SC/VSC period length [s]."
    )


@strawberry.type(description="How many race-control messages fell in one category.")
class CategoryCount(Presents[race_control_analysis.CategoryCount]):
    category: str = F(description="The category.")
    count: int = F(description="Messages.")


@strawberry.type(description="Race-control totals.")
class RaceControlStatistics(Presents[race_control_analysis.RaceControlStatistics]):
    message_count: int = F(description="Messages.")
    by_category: list[CategoryCount] = F(description="Counts per category.")
    by_flag: list[FlagCount] = F(description="Counts per flag.")
    penalties: int = F(description="Penalties given.")
    investigations: int = F(description="Investigations opened.")
    deleted_laps: int = F(description="Distinct (driver, lap) times deleted.")
    safety_car_periods: int = F(description="SC periods.")
    virtual_safety_car_periods: int = F(description="VSC periods.")
    red_flags: int = F(description="Red flags.")
