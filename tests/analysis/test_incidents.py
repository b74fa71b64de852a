from __future__ import annotations

from collections import Counter

import pytest

from f1graph.analysis.incidents import IncidentKind, deleted_laps, incident_kind, incidents
from tests.analysis.independent import records
from tests.analysis.make import msg
from tests.data import raw_rows

pytestmark = pytest.mark.usefixtures("data_dir")


class TestIncidents:
    """Messages are classified by their text; deleted times name the lap and the time."""

    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            (
                "CAR 18 (STR) LAP DELETED - TRACK LIMITS AT TURN 13 LAP 1 14:15:19",
                IncidentKind.LAP_DELETED,
            ),
            (
                "FIA STEWARDS: DRIVE THROUGH PENALTY FOR CAR 77 (BOT) - SPEEDING IN THE PIT LANE",
                IncidentKind.PENALTY,
            ),
            (
                "FIA STEWARDS: PENALTY SERVED - DRIVE THROUGH PENALTY FOR CAR 77 (BOT)",
                IncidentKind.PENALTY_SERVED,
            ),
            (
                "BLACK AND WHITE FLAG FOR CAR 41 (LIN) - MOVING UNDER BRAKING",
                IncidentKind.BLACK_AND_WHITE,
            ),
            (
                "FIA STEWARDS: TURN 13 INCIDENT "
                "INVOLVING CARS 43 (COL) AND 87 (BEA) REVIEWED NO FURTHER INVESTIGATION",
                IncidentKind.NO_FURTHER_ACTION,
            ),
            (
                "FIA STEWARDS: INCIDENT "
                "INVOLVING CAR 31 (OCO) NO FURTHER ACTION - YELLOW FLAG INFRINGEMENT",
                IncidentKind.NO_FURTHER_ACTION,
            ),
            (
                "FIA STEWARDS: INCIDENT "
                "INVOLVING CAR 77 (BOT) UNDER INVESTIGATION - SPEEDING IN THE PIT LANE",
                IncidentKind.INVESTIGATION,
            ),
            (
                "FIA STEWARDS: INCIDENT INVOLVING CAR 23 (ALB) WILL BE INVESTIGATED AFTER THE RACE",
                IncidentKind.INVESTIGATION,
            ),
            (
                "TURN 11 INCIDENT INVOLVING CARS 43 (COL) AND 44 (HAM) NOTED - CAUSING A COLLISION",
                IncidentKind.NOTED,
            ),
            ("SAFETY CAR DEPLOYED", None),
            ("WAVED BLUE FLAG FOR CAR 77 (BOT) TIMED AT 15:29:34", None),
            (None, None),
        ],
    )
    def test_kind(self, text: str | None, kind: IncidentKind | None) -> None:
        assert incident_kind(text) is kind

    def test_miami_counts(self) -> None:
        rows = raw_rows(11280, "race_control")
        got = incidents(records(11280, "race_control"))
        kinds = Counter(i.kind for i in got)
        assert kinds[IncidentKind.LAP_DELETED] == sum("DELETED" in r["message"] for r in rows) == 17
        assert kinds[IncidentKind.PENALTY] == 1 and kinds[IncidentKind.PENALTY_SERVED] == 1
        assert kinds[IncidentKind.BLACK_AND_WHITE] == 2

    def test_deleted_time_details(self) -> None:
        got = [
            i
            for i in incidents(records(11253, "race_control"))
            if i.kind is IncidentKind.LAP_DELETED
        ]
        first, second = got[0], got[1]
        assert (first.driver_numbers, first.deleted_lap_number, first.deleted_lap_duration_s) == (
            [18],
            1,
            None,
        )
        assert (
            second.driver_numbers,
            second.deleted_lap_number,
            second.deleted_lap_duration_s,
        ) == ([87], 11, 97.79)

    def test_cars_named(self) -> None:
        (i,) = incidents([msg(0, "TURN 13 INCIDENT INVOLVING CARS 43 (COL) AND 87 (BEA) NOTED")])
        assert i.driver_numbers == [43, 87]
        (j,) = incidents([msg(0, "BLACK AND WHITE FLAG", driver_number=5)])
        assert j.driver_numbers == [5]

    def test_deleted_laps_are_distinct(self) -> None:
        # Leclerc's lap 57 in Miami was deleted four times over (different turns).
        got = deleted_laps(records(11280, "race_control"))
        assert (16, 57) in got and len(got) == 13
        assert deleted_laps(records(11253, "race_control")) == {
            (18, 1),
            (87, 11),
            (11, 20),
            (41, 30),
            (43, 21),
            (44, 44),
            (14, 49),
        }
