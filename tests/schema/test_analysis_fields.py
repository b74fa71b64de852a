"""The analysis fields of issue 3 (Session, Driver, Lap, Stint), executed through the schema.

Every expected value is read from the recorded rows as plain dicts, by loops that share nothing
with :mod:`f1graph.analysis`: these tests check the wiring (the right rows reach the right
function and come back under the right field), not the analyses themselves.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from tests.data import raw_rows
from tests.schema.conftest import Answer, CountingSource, Execute, answer_once

RACE = 11253  # Suzuka 2026: intervals, one SC period (laps 22-27), pit stops, overtakes
MIAMI = 11280  # Miami 2026: no intervals recorded
QUALIFYING = 11249  # Suzuka 2026 qualifying: sets the grid of RACE
OLD_RACE = 9539  # Barcelona 2024: laps, stints and weather only
CODE_2052 = 9523  # Monaco 2024: the only recorded session with a session record and code 2052
STATUS = {2048: "YELLOW", 2049: "GREEN", 2051: "PURPLE", 2064: "PIT_LANE", 0: "NOT_AVAILABLE"}
LETTER = {"SOFT": "S", "MEDIUM": "M", "HARD": "H", "INTERMEDIATE": "I", "WET": "W"}


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def by_driver(session_key: int, endpoint: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in raw_rows(session_key, endpoint):
        grouped[row["driver_number"]].append(row)
    return grouped


def pit_laps(session_key: int) -> set[tuple[int, int]]:
    return {(p["driver_number"], p["lap_number"]) for p in raw_rows(session_key, "pit")}


def sc_window(session_key: int) -> tuple[datetime, datetime]:
    """The one SC period of a race: deployment to the first start of the lap after the leader's
    lap of "SAFETY CAR IN THIS LAP"."""
    messages = raw_rows(session_key, "race_control")
    deployed = next(m for m in messages if m["message"] == "SAFETY CAR DEPLOYED")
    in_lap = next(m for m in messages if m["message"] == "SAFETY CAR IN THIS LAP")
    starts = [
        when(lap["date_start"])
        for lap in raw_rows(session_key, "laps")
        if lap["lap_number"] == in_lap["lap_number"] + 1
        and lap["date_start"] is not None
        and when(lap["date_start"]) > when(in_lap["date"])
    ]
    return when(deployed["date"]), min(starts)


def lap_span(lap: dict[str, Any]) -> tuple[datetime, datetime] | None:
    if lap["date_start"] is None or lap["lap_duration"] is None:
        return None
    start = when(lap["date_start"])
    return start, start + timedelta(seconds=lap["lap_duration"])


def clean_keys(session_key: int) -> set[tuple[int, int]]:
    """The clean laps of a race with one SC period, by the definition, from the raw rows."""
    sc_start, sc_end = sc_window(session_key)
    pitted = pit_laps(session_key)
    passing: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for lap in raw_rows(session_key, "laps"):
        span = lap_span(lap)
        if (
            span is None
            or lap["lap_number"] == 1
            or lap["is_pit_out_lap"]
            or (lap["driver_number"], lap["lap_number"]) in pitted
            or (span[0] < sc_end and sc_start < span[1])
        ):
            continue
        passing[lap["driver_number"]].append((lap["lap_number"], lap["lap_duration"]))
    return {
        (driver, number)
        for driver, laps in passing.items()
        for number, duration in laps
        if duration <= 1.07 * min(d for _, d in laps)
    }


def stint_of(session_key: int, driver: int, lap_number: int) -> dict[str, Any] | None:
    for stint in raw_rows(session_key, "stints"):
        if (
            stint["driver_number"] == driver
            and stint["lap_start"] <= lap_number <= stint["lap_end"]
        ):
            return stint
    return None


def strategy_label(stints: list[dict[str, Any]]) -> str:
    ordered = sorted(stints, key=lambda s: s["stint_number"])
    return "-".join(LETTER.get((s["compound"] or "").upper(), "?") for s in ordered)


class TestFastestLaps:
    """Session.fastestLap and fastestLaps are the smallest recorded lap times."""

    async def test_fastest_lap_is_the_smallest_lap_duration(self, answer: Answer) -> None:
        for key in (RACE, MIAMI, QUALIFYING, OLD_RACE):
            data = await answer(
                "query($k: Int!) { session(sessionKey: $k) {"
                " fastestLap { driverNumber lapNumber lapDuration } } }",
                {"k": key},
            )
            timed = [lap for lap in raw_rows(key, "laps") if lap["lap_duration"] is not None]
            best = min(lap["lap_duration"] for lap in timed)
            tied = [lap for lap in timed if lap["lap_duration"] == best]
            first = min(tied, key=lambda lap: when(lap["date_start"]))
            assert data["session"]["fastestLap"] == {
                "driverNumber": first["driver_number"],
                "lapNumber": first["lap_number"],
                "lapDuration": best,
            }, key

    async def test_fastest_laps_has_each_drivers_best_ascending(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { fastestLaps { driverNumber lapDuration } } }"
        )
        best = {
            driver: min(lap["lap_duration"] for lap in laps if lap["lap_duration"] is not None)
            for driver, laps in by_driver(RACE, "laps").items()
            if any(lap["lap_duration"] is not None for lap in laps)
        }
        got = data["session"]["fastestLaps"]
        assert len(got) == len(best)
        assert {g["driverNumber"]: g["lapDuration"] for g in got} == best
        assert [g["lapDuration"] for g in got] == sorted(best.values())


class TestLapStatistics:
    """Session.lapStatistics counts lap rows and finds the best sectors and top speed."""

    @pytest.mark.parametrize("key", [RACE, QUALIFYING, OLD_RACE])
    async def test_totals_and_bests(self, answer: Answer, key: int) -> None:
        data = await answer(
            "query($k: Int!) { session(sessionKey: $k) { lapStatistics {"
            " totalLaps timedLaps maxLapNumber driverCount"
            " bestSector1 { duration } bestSector2 { duration } bestSector3 { duration }"
            " maxStSpeed { speed driverNumber lapNumber } } } }",
            {"k": key},
        )
        stats = data["session"]["lapStatistics"]
        laps = raw_rows(key, "laps")
        assert stats["totalLaps"] == len(laps)
        assert stats["timedLaps"] == sum(1 for lap in laps if lap["lap_duration"] is not None)
        assert stats["maxLapNumber"] == max(lap["lap_number"] for lap in laps)
        assert stats["driverCount"] == len({lap["driver_number"] for lap in laps})
        for sector in (1, 2, 3):
            times = [t for lap in laps if (t := lap[f"duration_sector_{sector}"]) is not None]
            assert stats[f"bestSector{sector}"] == {"duration": min(times)}
        top = max(lap["st_speed"] for lap in laps if lap["st_speed"] is not None)
        trap = stats["maxStSpeed"]
        assert trap["speed"] == top
        assert any(
            lap["driver_number"] == trap["driverNumber"]
            and lap["lap_number"] == trap["lapNumber"]
            and lap["st_speed"] == top
            for lap in laps
        )


class TestLapAnalysis:
    """Session.lapAnalysis gives each driver's lap count, sectors and theoretical best."""

    async def test_per_driver_figures(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { lapStatistics { cleanLapCount } lapAnalysis {"
            " driverNumber lapCount cleanLapCount best mean bestSector1 bestSector2 bestSector3"
            " theoreticalBest } } }"
        )
        rows = data["session"]["lapAnalysis"]
        laps = by_driver(RACE, "laps")
        assert {r["driverNumber"]: r["lapCount"] for r in rows} == {
            d: len(ls) for d, ls in laps.items()
        }
        for r in rows:
            mine = laps[r["driverNumber"]]
            sectors = [
                min(
                    (t for lap in mine if (t := lap[f"duration_sector_{s}"]) is not None),
                    default=None,
                )
                for s in (1, 2, 3)
            ]
            assert [r["bestSector1"], r["bestSector2"], r["bestSector3"]] == sectors
            if None not in sectors:
                assert r["theoreticalBest"] == pytest.approx(sum(sectors), abs=1e-6)
            else:
                assert r["theoreticalBest"] is None
            if r["best"] is not None:
                assert r["best"] <= r["mean"]
        clean = clean_keys(RACE)
        assert {r["driverNumber"]: r["cleanLapCount"] for r in rows} == {
            d: sum(1 for lap in ls if (d, lap["lap_number"]) in clean) for d, ls in laps.items()
        }
        assert data["session"]["lapStatistics"]["cleanLapCount"] == len(clean)

    async def test_drivers_come_fastest_clean_lap_first(self, answer: Answer) -> None:
        data = await answer("{ session(sessionKey: 11253) { lapAnalysis { best } } }")
        bests = [r["best"] for r in data["session"]["lapAnalysis"]]
        timed = [b for b in bests if b is not None]
        assert timed == sorted(timed)
        assert bests[: len(timed)] == timed  # drivers without a clean lap come last


class TestStandings:
    """Session.standings(at:) is each driver's latest position and gap at or before the instant."""

    @pytest.mark.parametrize("at", ["2026-03-29T05:30:00+00:00", "2026-03-29T06:20:00+00:00"])
    async def test_latest_rows_at_the_instant(self, answer: Answer, at: str) -> None:
        data = await answer(
            "query($at: DateTime!) { session(sessionKey: 11253) { standings(at: $at) {"
            " position driverNumber gapToLeader { seconds lapsBehind text }"
            " positionDate intervalDate } } }",
            {"at": at},
        )
        instant = when(at)
        latest_position: dict[int, dict[str, Any]] = {}
        for row in raw_rows(RACE, "position"):
            if when(row["date"]) <= instant:
                held = latest_position.get(row["driver_number"])
                if held is None or when(row["date"]) >= when(held["date"]):
                    latest_position[row["driver_number"]] = row
        latest_gap: dict[int, dict[str, Any]] = {}
        for row in raw_rows(RACE, "intervals"):
            if when(row["date"]) <= instant:
                held = latest_gap.get(row["driver_number"])
                if held is None or when(row["date"]) >= when(held["date"]):
                    latest_gap[row["driver_number"]] = row
        got = data["session"]["standings"]
        assert {s["driverNumber"]: s["position"] for s in got} == {
            d: row["position"] for d, row in latest_position.items()
        }
        assert [s["position"] for s in got] == sorted(s["position"] for s in got)
        for s in got:
            d = s["driverNumber"]
            assert when(s["positionDate"]) == when(latest_position[d]["date"])
            raw_gap = latest_gap[d]["gap_to_leader"]
            assert when(s["intervalDate"]) == when(latest_gap[d]["date"])
            if isinstance(raw_gap, int | float):
                assert s["gapToLeader"]["seconds"] == raw_gap
            elif isinstance(raw_gap, str):
                assert s["gapToLeader"]["text"] == raw_gap
                assert s["gapToLeader"]["lapsBehind"] == int(raw_gap.split()[0])

    async def test_instant_without_offset_is_utc(self, execute: Execute) -> None:
        result = await execute(
            '{ session(sessionKey: 11253) { standings(at: "2026-03-29T06:00:00") { position } } }'
        )
        assert result.errors is None, result.errors


class TestGapAnalysis:
    """Session.gapAnalysis summarises each driver's numeric gaps to the car ahead."""

    async def test_min_max_and_samples_per_driver(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { gapAnalysis {"
            " driverNumber sampleCount minInterval maxInterval meanInterval } } }"
        )
        expected: dict[int, list[float]] = defaultdict(list)
        for row in raw_rows(RACE, "intervals"):
            value = row["interval"]
            leads = row["interval"] == 0 or row["gap_to_leader"] == 0  # the leader's own rows
            if isinstance(value, int | float) and not leads:
                expected[row["driver_number"]].append(value)
        got = {g["driverNumber"]: g for g in data["session"]["gapAnalysis"]}
        samples = Counter(row["driver_number"] for row in raw_rows(RACE, "intervals"))
        assert {d: g["sampleCount"] for d, g in got.items()} == dict(samples)
        for driver, g in got.items():
            values = expected.get(driver, [])
            assert g["minInterval"] == (min(values) if values else None), driver
            assert g["maxInterval"] == (max(values) if values else None), driver
            if values:
                assert g["meanInterval"] == pytest.approx(sum(values) / len(values))

    async def test_final_gap_is_the_last_known_gap(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { gapAnalysis {"
            " driverNumber finalGapToLeader { seconds lapsBehind text } } } }"
        )
        for g in data["session"]["gapAnalysis"]:
            rows = sorted(
                (r for r in raw_rows(RACE, "intervals") if r["driver_number"] == g["driverNumber"]),
                key=lambda r: when(r["date"]),
            )
            last = next(
                r["gap_to_leader"] for r in reversed(rows) if r["gap_to_leader"] is not None
            )
            final = g["finalGapToLeader"]
            if isinstance(last, str):
                assert (final["text"], final["seconds"]) == (last, None)
                assert final["lapsBehind"] == int(last.split()[0])
            else:
                assert (final["seconds"], final["lapsBehind"]) == (last, None)


class TestPositions:
    """Session.positionChanges and raceProgress follow the position and lap rows."""

    async def test_finish_is_the_last_position_and_start_the_qualifying_grid(
        self, answer: Answer
    ) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { positionChanges {"
            " driverNumber startPosition startFromGrid finishPosition placesGained"
            " changes { fromPosition toPosition } } } }"
        )
        got = {p["driverNumber"]: p for p in data["session"]["positionChanges"]}
        grid = {g["driver_number"]: g["position"] for g in raw_rows(QUALIFYING, "starting_grid")}
        for driver, rows in by_driver(RACE, "position").items():
            last = max(rows, key=lambda r: when(r["date"]))
            assert got[driver]["finishPosition"] == last["position"]
            assert got[driver]["startPosition"] == grid[driver]
            assert got[driver]["startFromGrid"] is True
            assert got[driver]["placesGained"] == grid[driver] - last["position"]
            if got[driver]["changes"]:
                assert got[driver]["changes"][-1]["toPosition"] == last["position"]

    async def test_race_progress_has_every_lap_and_the_winner_leads_the_last(
        self, answer: Answer
    ) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { raceProgress {"
            " lapNumber leaderDriverNumber order { driverNumber } } } }"
        )
        progress = data["session"]["raceProgress"]
        last_lap = max(lap["lap_number"] for lap in raw_rows(RACE, "laps"))
        assert [p["lapNumber"] for p in progress] == list(range(1, last_lap + 1))
        winner = next(r for r in raw_rows(RACE, "session_result") if r["position"] == 1)
        assert progress[-1]["leaderDriverNumber"] == winner["driver_number"]
        finishers = Counter(lap["lap_number"] for lap in raw_rows(RACE, "laps"))
        assert len(progress[-1]["order"]) == finishers[last_lap]


class TestRaceControl:
    """Safety cars, flags, incidents, the timeline and totals come from race-control rows."""

    async def test_one_safety_car_from_lap_22_to_27(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { safetyCarPeriods {"
            " kind deployed ended firstLap lastLap duration } } }"
        )
        start, end = sc_window(RACE)
        assert data["session"]["safetyCarPeriods"] == [
            {
                "kind": "SC",
                "deployed": start.isoformat(),
                "ended": end.isoformat(),
                "firstLap": 22,
                "lastLap": 27,
                "duration": pytest.approx((end - start).total_seconds()),
            }
        ]

    async def test_flag_counts_match_the_messages(self, answer: Answer) -> None:
        for key in (RACE, MIAMI, QUALIFYING):
            data = await answer(
                "query($k: Int!) { session(sessionKey: $k) { flags {"
                " messages { date flag } counts { flag count } } } }",
                {"k": key},
            )
            flags = data["session"]["flags"]
            shown = [m for m in raw_rows(key, "race_control") if m["flag"]]
            expected = Counter(m["flag"] for m in shown)
            assert {c["flag"]: c["count"] for c in flags["counts"]} == dict(expected)
            assert len(flags["counts"]) == len(expected)
            dates = [when(m["date"]) for m in flags["messages"]]
            assert dates == sorted(when(m["date"]) for m in shown)

    async def test_flag_counts_come_most_frequent_first(self, answer: Answer) -> None:
        data = await answer("{ session(sessionKey: 11253) { flags { counts { flag count } } } }")
        counts = [c["count"] for c in data["session"]["flags"]["counts"]]
        assert counts == sorted(counts, reverse=True)
        assert data["session"]["flags"]["counts"][0] == {"flag": "BLUE", "count": 10}

    async def test_incidents_name_the_deleted_laps(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) {"
            " incidents { date kind driverNumbers deletedLapNumber message }"
            " raceControlStatistics { deletedLaps } } }"
        )
        deleted = set()
        for m in raw_rows(RACE, "race_control"):
            if "DELETED" in m["message"]:
                words = m["message"].split()
                after = words[words.index("DELETED") :]
                deleted.add((int(words[1]), int(after[after.index("LAP") + 1])))
        incidents = data["session"]["incidents"]
        got = {
            (i["driverNumbers"][0], i["deletedLapNumber"])
            for i in incidents
            if i["kind"] == "LAP_DELETED"
        }
        assert got == deleted
        assert data["session"]["raceControlStatistics"]["deletedLaps"] == len(deleted)
        assert {i["message"] for i in incidents} <= {
            m["message"] for m in raw_rows(RACE, "race_control")
        }
        assert [i["date"] for i in incidents] == sorted(i["date"] for i in incidents)

    async def test_statistics_count_the_messages(self, answer: Answer) -> None:
        for key in (RACE, MIAMI, QUALIFYING):
            data = await answer(
                "query($k: Int!) { session(sessionKey: $k) { raceControlStatistics {"
                " messageCount byCategory { category count } byFlag { flag count }"
                " safetyCarPeriods virtualSafetyCarPeriods redFlags } } }",
                {"k": key},
            )
            stats = data["session"]["raceControlStatistics"]
            rows = raw_rows(key, "race_control")
            assert stats["messageCount"] == len(rows)
            assert {c["category"]: c["count"] for c in stats["byCategory"]} == dict(
                Counter(m["category"] for m in rows)
            )
            assert {c["flag"]: c["count"] for c in stats["byFlag"]} == dict(
                Counter(m["flag"] for m in rows if m["flag"])
            )
            deployed = sum(1 for m in rows if m["message"] == "SAFETY CAR DEPLOYED")
            assert stats["safetyCarPeriods"] == deployed
            assert stats["virtualSafetyCarPeriods"] == 0
            assert stats["redFlags"] == sum(1 for m in rows if m["flag"] == "RED")

    async def test_timeline_merges_messages_pit_stops_and_the_safety_car(
        self, answer: Answer
    ) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { timeline { date kind driverNumber lapNumber } } }"
        )
        events = data["session"]["timeline"]
        dates = [when(e["date"]) for e in events]
        assert dates == sorted(dates)
        kinds = Counter(e["kind"] for e in events)
        assert kinds == {
            "RACE_CONTROL": len(raw_rows(RACE, "race_control")),
            "PIT_STOP": len(raw_rows(RACE, "pit")),
            "SAFETY_CAR_DEPLOYED": 1,
            "SAFETY_CAR_ENDED": 1,
        }
        stops = {(e["driverNumber"], e["lapNumber"]) for e in events if e["kind"] == "PIT_STOP"}
        assert stops == pit_laps(RACE)


class TestTyresAndPits:
    """Strategies, pit-stop analysis, compound performance and wear follow stints and pits."""

    @pytest.mark.parametrize("key", [RACE, MIAMI, OLD_RACE])
    async def test_strategies_from_the_stints(self, answer: Answer, key: int) -> None:
        data = await answer(
            "query($k: Int!) { session(sessionKey: $k) {"
            " tyreStrategies { driverNumber stops label stints { stintNumber compound } }"
            " commonStrategies { label count } } }",
            {"k": key},
        )
        stints = by_driver(key, "stints")
        labels = {d: strategy_label(ss) for d, ss in stints.items()}
        got = data["session"]["tyreStrategies"]
        assert {s["driverNumber"]: s["label"] for s in got} == labels
        assert {s["driverNumber"]: s["stops"] for s in got} == {
            d: len(ss) - 1 for d, ss in stints.items()
        }
        for s in got:
            assert [x["stintNumber"] for x in s["stints"]] == sorted(
                x["stint_number"] for x in stints[s["driverNumber"]]
            )
        common = data["session"]["commonStrategies"]
        assert {c["label"]: c["count"] for c in common} == dict(Counter(labels.values()))
        counts = [c["count"] for c in common]
        assert counts == sorted(counts, reverse=True)

    @pytest.mark.parametrize("key", [RACE, MIAMI, QUALIFYING])
    async def test_pit_stop_analysis(self, answer: Answer, key: int) -> None:
        data = await answer(
            "query($k: Int!) { session(sessionKey: $k) { pitStopAnalysis {"
            " stops { driverNumber teamName laneDuration } fastest { laneDuration }"
            " teams { teamName stopCount } } } }",
            {"k": key},
        )
        analysis = data["session"]["pitStopAnalysis"]
        pits = raw_rows(key, "pit")
        team_of = {d["driver_number"]: d["team_name"] for d in raw_rows(key, "drivers")}
        assert len(analysis["stops"]) == len(pits)
        for stop in analysis["stops"]:
            assert stop["teamName"] == team_of[stop["driverNumber"]]
        expected_teams = Counter(team_of[p["driver_number"]] for p in pits)
        assert {t["teamName"]: t["stopCount"] for t in analysis["teams"]} == dict(expected_teams)
        lanes = [
            p["lane_duration"] if p["lane_duration"] is not None else p["pit_duration"]
            for p in pits
        ]
        known = [t for t in lanes if t is not None]
        assert analysis["fastest"] == ({"laneDuration": min(known)} if known else None)

    @pytest.mark.parametrize("key", [RACE, OLD_RACE])
    async def test_compounds_and_wear_cover_every_stint(self, answer: Answer, key: int) -> None:
        data = await answer(
            "query($k: Int!) { session(sessionKey: $k) {"
            " tyrePerformance { compound stintCount lapsRun }"
            " wearAnalysis { driverNumber stintNumber compound } } }",
            {"k": key},
        )
        stints = raw_rows(key, "stints")
        performance = data["session"]["tyrePerformance"]
        assert {c["compound"]: c["stintCount"] for c in performance} == dict(
            Counter((s["compound"] or "UNKNOWN").upper() for s in stints)
        )
        laps_in_stints = sum(
            1
            for lap in raw_rows(key, "laps")
            if stint_of(key, lap["driver_number"], lap["lap_number"]) is not None
        )
        assert sum(c["lapsRun"] for c in performance) == laps_in_stints
        wear = data["session"]["wearAnalysis"]
        assert len(wear) == len(stints)
        assert {(w["driverNumber"], w["stintNumber"]) for w in wear} == {
            (s["driver_number"], s["stint_number"]) for s in stints
        }


class TestDriverFields:
    """Driver.performance, fastestLap and lapAnalysis answer for that driver alone."""

    @pytest.mark.parametrize("key", [RACE, MIAMI, QUALIFYING])
    async def test_performance_pit_stops_and_classification(self, answer: Answer, key: int) -> None:
        data = await answer(
            "query($k: Int!) { session(sessionKey: $k) { drivers { driverNumber"
            " performance { driverNumber pitStops dnf dns dsq finishPosition } } } }",
            {"k": key},
        )
        pits = Counter(p["driver_number"] for p in raw_rows(key, "pit"))
        results = {r["driver_number"]: r for r in raw_rows(key, "session_result")}
        for driver in data["session"]["drivers"]:
            n, perf = driver["driverNumber"], driver["performance"]
            assert perf["driverNumber"] == n
            assert perf["pitStops"] == pits[n]
            result = results[n]
            assert (perf["dnf"], perf["dns"], perf["dsq"]) == (
                result["dnf"],
                result["dns"],
                result["dsq"],
            )
            if result["position"] is not None:
                assert perf["finishPosition"] == result["position"]

    async def test_fastest_lap_and_lap_analysis(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) {"
            " lapAnalysis { driverNumber lapCount cleanLapCount best mean median stdev"
            " bestSector1 bestSector2 bestSector3 theoreticalBest }"
            " drivers { driverNumber fastestLap { driverNumber lapNumber lapDuration }"
            " lapAnalysis { driverNumber lapCount cleanLapCount best mean median stdev"
            " bestSector1 bestSector2 bestSector3 theoreticalBest } } } }"
        )
        session = data["session"]
        overall = {r["driverNumber"]: r for r in session["lapAnalysis"]}
        laps = by_driver(RACE, "laps")
        for driver in session["drivers"]:
            n = driver["driverNumber"]
            timed = [lap for lap in laps.get(n, []) if lap["lap_duration"] is not None]
            if not timed:
                assert driver["fastestLap"] is None
                continue
            best = min(timed, key=lambda lap: lap["lap_duration"])
            assert driver["fastestLap"] == {
                "driverNumber": n,
                "lapNumber": best["lap_number"],
                "lapDuration": best["lap_duration"],
            }
            assert driver["lapAnalysis"] == overall[n]


LAP_FIELDS = """
  driverNumber lapNumber dateStart lapDuration isPitOutLap isPitInLap tyreAge compound
  trackStatus isClean cleanLapExclusion segments { sector index code status }
  stint { stintNumber compound }
"""


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def laps() -> list[dict[str, Any]]:
    """Every lap of the race with its fields, asked once for the module (a large answer)."""
    data = await answer_once("{ session(sessionKey: 11253) { laps {" + LAP_FIELDS + "} } }")
    laps: list[dict[str, Any]] = data["session"]["laps"]
    assert len(laps) == len(raw_rows(RACE, "laps"))
    return laps


class TestLapFields:
    """Lap.isPitInLap, tyreAge, compound, trackStatus, isClean and segments, lap by lap."""

    async def test_pit_in_laps_are_the_pit_rows(self, laps: list[dict[str, Any]]) -> None:
        assert {(lap["driverNumber"], lap["lapNumber"]) for lap in laps if lap["isPitInLap"]} == (
            pit_laps(RACE)
        )

    async def test_tyre_age_and_compound_from_the_stint(self, laps: list[dict[str, Any]]) -> None:
        outside = 0
        for lap in laps:
            stint = stint_of(RACE, lap["driverNumber"], lap["lapNumber"])
            if stint is None:  # a retirement lap after the last stint's end
                outside += 1
                assert (lap["tyreAge"], lap["compound"], lap["stint"]) == (None, None, None)
                continue
            age = stint["tyre_age_at_start"] + lap["lapNumber"] - stint["lap_start"]
            assert lap["tyreAge"] == age
            assert lap["compound"] == stint["compound"]
            assert lap["stint"] == {
                "stintNumber": stint["stint_number"],
                "compound": stint["compound"],
            }
        assert outside < 5

    async def test_compound_is_the_stints_where_stints_touch(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 7787) { laps(driverNumber: 1, lapNumber: 8) {"
            " compound tyreAge stint { compound tyreAgeAtStart lapStart } } } }"
        )
        (lap,) = data["session"]["laps"]
        stint = lap["stint"]
        # raw stints of car 1: 1-8 MEDIUM then 8-55 HARD; lap 8 (the in-lap) ran on the MEDIUMs
        assert stint["compound"] == "MEDIUM"
        assert lap["compound"] == stint["compound"]
        assert lap["tyreAge"] == stint["tyreAgeAtStart"] + 8 - stint["lapStart"]

    async def test_track_status_sc_then_yellow_else_green(self, laps: list[dict[str, Any]]) -> None:
        sc_start, sc_end = sc_window(RACE)
        # The race's only yellows (sectors 20 and 21) run from the first YELLOW message to the
        # last sector CLEAR; they start 17 s before the SC and end inside it.
        messages = raw_rows(RACE, "race_control")
        yellow_start = min(when(m["date"]) for m in messages if m["flag"] == "YELLOW")
        yellow_end = max(
            when(m["date"])
            for m in messages
            if m["flag"] == "CLEAR" and m["sector"] in (20, 21) and when(m["date"]) > yellow_start
        )
        seen: Counter[str] = Counter()
        for lap in laps:
            if lap["dateStart"] is None or lap["lapDuration"] is None:
                assert lap["trackStatus"] is None
                continue
            start = when(lap["dateStart"])
            end = start + timedelta(seconds=lap["lapDuration"])
            if sc_start <= start and end <= sc_end:
                expected = "SC"
                seen["inside"] += 1
            elif start < sc_end and sc_start < end:
                expected = "SC"
            elif start < yellow_end and yellow_start < end:
                expected = "YELLOW"
            else:
                expected = "GREEN"
            seen[expected] += 1
            assert lap["trackStatus"] == expected, lap
        assert seen["inside"] > 0 and seen["YELLOW"] > 0 and seen["GREEN"] > 0
        assert {lap["lapNumber"] for lap in laps if lap["trackStatus"] == "SC"} >= set(
            range(23, 27)
        )

    async def test_clean_laps_by_the_definition(self, laps: list[dict[str, Any]]) -> None:
        pitted = pit_laps(RACE)
        for lap in laps:
            key = (lap["driverNumber"], lap["lapNumber"])
            if lap["lapNumber"] == 1 or key in pitted or lap["isPitOutLap"]:
                assert lap["isClean"] is False, lap
        assert {
            (lap["driverNumber"], lap["lapNumber"]) for lap in laps if lap["isClean"]
        } == clean_keys(RACE)
        for lap in laps:
            assert (lap["cleanLapExclusion"] is None) == lap["isClean"]
            if lap["lapNumber"] == 1 and lap["lapDuration"] is not None:
                assert lap["cleanLapExclusion"] == "FIRST_LAP"

    async def test_segments_decode_the_codes(self, laps: list[dict[str, Any]]) -> None:
        raw = {(r["driver_number"], r["lap_number"]): r for r in raw_rows(RACE, "laps")}
        seen = set()
        for lap in laps:
            row = raw[lap["driverNumber"], lap["lapNumber"]]
            expected = [
                {
                    "sector": sector,
                    "index": i,
                    "code": code,
                    "status": "NO_STATUS" if code is None else STATUS.get(code, "UNKNOWN"),
                }
                for sector in (1, 2, 3)
                for i, code in enumerate(row[f"segments_sector_{sector}"] or [])
            ]
            assert lap["segments"] == expected
            seen |= {s["status"] for s in expected}
        assert seen == {"YELLOW", "GREEN", "PURPLE", "PIT_LANE", "NOT_AVAILABLE", "NO_STATUS"}

    async def test_undocumented_code_is_unknown(self, answer: Answer) -> None:
        lap = next(
            lap
            for lap in raw_rows(CODE_2052, "laps")
            if 2052
            in (lap["segments_sector_1"] or [])
            + (lap["segments_sector_2"] or [])
            + (lap["segments_sector_3"] or [])
        )
        data = await answer(
            "query($d: Int!, $n: Int!) { session(sessionKey: 9523) {"
            " laps(driverNumber: $d, lapNumber: $n) { segments { code status } } } }",
            {"d": lap["driver_number"], "n": lap["lap_number"]},
        )
        (got,) = data["session"]["laps"]
        assert {s["status"] for s in got["segments"] if s["code"] == 2052} == {"UNKNOWN"}


class TestStintFields:
    """Stint.lapCount, laps and degradation."""

    async def test_lap_count_laps_and_degradation(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11253) { stints { driverNumber stintNumber lapStart lapEnd"
            " lapCount degradation laps { lapNumber isClean } } } }"
        )
        stints = data["session"]["stints"]
        assert len(stints) == len(raw_rows(RACE, "stints"))
        laps = by_driver(RACE, "laps")
        clean = clean_keys(RACE)
        short = 0
        for s in stints:
            raw = next(
                r
                for r in raw_rows(RACE, "stints")
                if (r["driver_number"], r["stint_number"]) == (s["driverNumber"], s["stintNumber"])
            )
            assert s["lapCount"] == raw["lap_end"] - raw["lap_start"] + 1
            numbers = sorted(
                lap["lap_number"]
                for lap in laps[s["driverNumber"]]
                if raw["lap_start"] <= lap["lap_number"] <= raw["lap_end"]
            )
            assert [lap["lapNumber"] for lap in s["laps"]] == numbers
            clean_in_stint = sum(1 for n in numbers if (s["driverNumber"], n) in clean)
            if clean_in_stint < 3:
                short += 1
                assert s["degradation"] is None, s
            else:
                assert s["degradation"] is not None, s
        assert short > 0


ALL_ANALYSES = """
query($k: Int!) { session(sessionKey: $k) {
  fastestLap { lapNumber } fastestLaps { lapNumber }
  lapStatistics { totalLaps cleanLapCount fastestLap { lapNumber } maxStSpeed { speed } }
  lapAnalysis { driverNumber best theoreticalBest }
  standings(at: "2026-03-29T06:00:00Z") { driverNumber position }
  gapAnalysis { driverNumber minInterval } positionChanges { driverNumber finishPosition }
  raceProgress { lapNumber } safetyCarPeriods { kind firstLap lastLap }
  flags { counts { flag count } } incidents { kind } timeline { kind }
  raceControlStatistics { messageCount } tyreStrategies { label } commonStrategies { label }
  pitStopAnalysis { stops { driverNumber } fastest { laneDuration } teams { teamName } }
  tyrePerformance { compound meanDegradation } wearAnalysis { degradation }
  performance { driverNumber pitStops }
  overtakes { position }
  drivers { driverNumber fastestLap { lapNumber } lapAnalysis { best }
    performance { pitStops dnf } }
  laps { isPitInLap isClean cleanLapExclusion isPersonalBest tyreAge compound trackStatus }
  stints { lapCount degradation }
} }
"""


class TestSessionsWithLittleData:
    """Analyses answer, empty, where OpenF1 recorded nothing to analyse."""

    async def test_qualifying_has_no_gaps_or_overtakes(self, answer: Answer) -> None:
        data = await answer(
            "{ session(sessionKey: 11249) { gapAnalysis { driverNumber } overtakes { date }"
            ' standings(at: "2026-03-28T06:30:00Z") { driverNumber interval { seconds } } } }'
        )
        assert data["session"]["gapAnalysis"] == []
        assert data["session"]["overtakes"] == []
        assert all(s["interval"] is None for s in data["session"]["standings"])

    async def test_2024_race_without_pit_or_race_control(self, answer: Answer) -> None:
        data = await answer(ALL_ANALYSES, {"k": OLD_RACE})
        session = data["session"]
        # a race always has these in OpenF1: missing, what derives from them is unknown (null)
        assert session["safetyCarPeriods"] is None
        assert session["incidents"] is None and session["flags"] is None
        assert session["timeline"] is None
        assert session["raceControlStatistics"] is None
        assert session["pitStopAnalysis"] is None
        assert session["gapAnalysis"] is None
        laps = raw_rows(OLD_RACE, "laps")
        assert [d["driverNumber"] for d in session["drivers"]] == sorted(
            {lap["driver_number"] for lap in laps}
        )
        assert {p["pitStops"] for p in session["performance"]} == {None}
        assert {p["driverNumber"] for p in session["performance"]} == {
            lap["driver_number"] for lap in laps
        }
        assert {lap["isPitInLap"] for lap in session["laps"]} == {None}
        assert {lap["trackStatus"] for lap in session["laps"]} == {None}
        assert session["lapStatistics"]["totalLaps"] == len(laps)


class TestRepeatedQueries:
    """Every analysis at once fetches each dataset once; asked again, it needs no OpenF1 call."""

    async def test_each_dataset_once_then_no_call(
        self, execute: Execute, source: CountingSource
    ) -> None:
        first = await execute(ALL_ANALYSES, {"k": RACE})
        assert first.errors is None, first.errors
        asked = Counter(source.calls)
        assert asked and set(asked.values()) == {1}, asked
        # The race's grid is filed under its qualifying: that session is the only other one.
        per_session = [
            (endpoint, key) for endpoint, keys in source.per_session_calls() for key in keys
        ]
        assert {key for _, key in per_session} == {RACE, QUALIFYING}
        assert len(per_session) == len(set(per_session))
        made = len(source.calls)
        second = await execute(ALL_ANALYSES, {"k": RACE})
        assert second.errors is None, second.errors
        assert len(source.calls) == made
        assert second.data == first.data
