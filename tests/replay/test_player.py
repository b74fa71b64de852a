"""The replay of one subscriber: order, pacing on a fake clock, seek, streams, backpressure."""

from __future__ import annotations

from datetime import timedelta

from f1graph.analysis.intervals import standings
from f1graph.replay.events import EventKind, ReplayStream
from f1graph.replay.player import ReplayOptions, play
from f1graph.replay.state import epoch_ms
from tests.data import raw_rows
from tests.replay.helpers import (
    FakeClock,
    collect,
    latest_positions,
    raw_count,
    timeline,
    when,
)

START = when("2026-03-29T05:00:00+00:00")  # 11253's scheduled start
MID = when("2026-03-29T05:45:00+00:00")


def lap_ends_after(session_key: int, after: object) -> int:
    """Laps completed after ``after``: the next lap's start, else start + duration (raw rows)."""
    laps = raw_rows(session_key, "laps")
    starts = {(r["driver_number"], r["lap_number"]): r["date_start"] for r in laps}
    count = 0
    for r in laps:
        nxt = starts.get((r["driver_number"], r["lap_number"] + 1))
        if nxt is not None:
            end = when(nxt)
        elif r["date_start"] is not None and r["lap_duration"] is not None:
            end = when(r["date_start"]) + timedelta(seconds=r["lap_duration"])
        else:
            continue
        count += end > after  # type: ignore[operator]
    return count


class TestOrderAndPacing:
    """Every stream merged in session time order, each event due at (t - from) / speed."""

    async def test_every_stream_in_order_with_raw_counts(self) -> None:
        events = await collect((await timeline(11253)), ReplayOptions(speed=10))
        kinds = [e.kind for e, _, _ in events]
        assert kinds[0] is EventKind.SNAPSHOT and kinds[-1] is EventKind.END
        assert events[0][0].date == START
        times = [e.t_ms for e, _, _ in events[1:-1]]
        assert times == sorted(times)
        counted = {k: kinds.count(k) for k in set(kinds)}
        assert counted[EventKind.POSITION] == raw_count(11253, "position", START) == 423
        assert counted[EventKind.INTERVAL] == raw_count(11253, "intervals", START) == 4915
        assert counted[EventKind.OVERTAKE] == raw_count(11253, "overtakes", START)
        assert counted[EventKind.PIT_STOP] == raw_count(11253, "pit", START)
        assert counted[EventKind.RACE_CONTROL] == raw_count(11253, "race_control", START)
        assert counted[EventKind.WEATHER] == raw_count(11253, "weather", START)
        assert counted[EventKind.LAP] == lap_ends_after(11253, START)
        assert counted[EventKind.STINT] == len(raw_rows(11253, "stints"))
        assert EventKind.LOCATIONS not in counted
        end = events[-1][0].payload
        assert (end.sent, end.dropped) == (len(events) - 1, 0)

    async def test_each_event_is_due_at_its_session_time_over_speed(self) -> None:
        clock = FakeClock()
        events = await collect((await timeline(11253)), ReplayOptions(speed=10), clock)
        start_ms = epoch_ms(START)
        for event, dropped, wall in events[1:-1]:
            assert abs(wall - (event.t_ms - start_ms) / 10_000) < 1e-6
            assert dropped == 0
        last = events[-2][0].t_ms
        assert abs(sum(clock.sleeps) - (last - start_ms) / 10_000) < 1e-6

    async def test_speed_zero_never_waits(self) -> None:
        clock = FakeClock()
        events = await collect((await timeline(11253)), ReplayOptions(speed=0), clock)
        assert clock.sleeps == []
        assert len(events) == 6896


class TestSeek:
    """``from`` skips what came before but opens with the state at ``from``; ``to`` stops."""

    async def test_from_sends_only_later_events_after_a_snapshot(self) -> None:
        tl = await timeline(11253)
        whole = await collect(tl, ReplayOptions(speed=0))
        seeked = await collect(tl, ReplayOptions(speed=0, start=MID))
        assert seeked[0][0].kind is EventKind.SNAPSHOT and seeked[0][0].date == MID
        later = [e for e, _, _ in whole[1:-1] if e.date > MID]
        assert [e for e, _, _ in seeked[1:-1]] == later
        assert len(later) < len(whole) - 2

    async def test_snapshot_is_the_standings_at_from(self) -> None:
        tl = await timeline(11253)
        snapshot = (await collect(tl, ReplayOptions(speed=0, start=MID)))[0][0].payload
        intervals = tl.state.intervals
        assert snapshot.order == standings(tl.state.running, intervals, MID)
        assert [s.driver_number for s in snapshot.order] == latest_positions(11253, MID)
        leader = snapshot.order[0]
        assert leader.position == 1 and leader.gap_to_leader is not None
        assert snapshot.track_status == "GREEN"

    async def test_snapshot_tyres_and_lap_from_raw_rows(self) -> None:
        tl = await timeline(11253)
        snapshot = (await collect(tl, ReplayOptions(speed=0, start=MID)))[0][0].payload
        laps = raw_rows(11253, "laps")
        started = {
            (r["driver_number"], r["lap_number"]): when(r["date_start"])
            for r in laps
            if r["date_start"] is not None
        }
        expected = {}
        for stint in sorted(raw_rows(11253, "stints"), key=lambda s: s["stint_number"]):
            begin = started.get((stint["driver_number"], stint["lap_start"]))
            if stint["driver_number"] not in expected or (begin is not None and begin <= MID):
                expected[stint["driver_number"]] = stint["compound"]
        assert {t.driver_number: t.compound for t in snapshot.tyres} == expected
        assert snapshot.lap_number == max(n for (_, n), at in started.items() if at <= MID)

    async def test_on_an_out_lap_the_new_set_is_its_age_at_fitting(self) -> None:
        # Canada 2024 files each in-lap under both stints: the new set starts on the out-lap
        tl = await timeline(9531)
        stints = sorted(raw_rows(9531, "stints"), key=lambda s: s["stint_number"])
        checked = 0
        for r in raw_rows(9531, "laps"):
            if not r["is_pit_out_lap"] or r["lap_number"] == 1 or r["date_start"] is None:
                continue
            fitted = [
                s
                for s in stints
                if s["driver_number"] == r["driver_number"]
                and s["lap_start"] is not None
                and s["lap_start"] <= r["lap_number"] <= (s["lap_end"] or 1 << 20)
            ][-1]
            tyres = {
                t.driver_number: t
                for t in tl.state.tyres_at(when(r["date_start"]) + timedelta(seconds=1))
            }[r["driver_number"]]
            assert (tyres.stint_number, tyres.tyre_age_laps) == (
                fitted["stint_number"],
                fitted["tyre_age_at_start"],
            )
            checked += 1
        assert checked >= 10

    async def test_to_stops_there(self) -> None:
        to = MID + timedelta(minutes=5)
        events = await collect((await timeline(11253)), ReplayOptions(speed=0, start=MID, end=to))
        middle = [e for e, _, _ in events[1:-1]]
        assert all(MID < e.date <= to for e in middle)
        assert sum(e.kind is EventKind.INTERVAL for e in middle) == raw_count(
            11253, "intervals", MID, to
        )
        assert events[-1][0].kind is EventKind.END and events[-1][0].date == to


class TestStreams:
    """``include`` picks streams; a session without some streams replays the rest."""

    async def test_only_the_streams_asked_for(self) -> None:
        options = ReplayOptions(speed=0, streams=frozenset({ReplayStream.PIT_STOPS}))
        events = await collect((await timeline(11253)), options)
        kinds = [e.kind for e, _, _ in events]
        assert kinds[1:-1] == [EventKind.PIT_STOP] * raw_count(11253, "pit", START)
        assert [e.payload.driver_number for e, _, _ in events[1:-1]] == [
            r["driver_number"]
            for r in sorted(raw_rows(11253, "pit"), key=lambda r: r["date"])
            if when(r["date"]) > START
        ]

    async def test_missing_streams_and_no_locations_degrade(self) -> None:
        everything = frozenset(ReplayStream)
        events = await collect((await timeline(11253)), ReplayOptions(speed=0, streams=everything))
        assert EventKind.LOCATIONS not in {e.kind for e, _, _ in events}
        assert events[0][0].payload.track is None
        lapsonly = await collect((await timeline(9531)), ReplayOptions(speed=0))
        kinds = {e.kind for e, _, _ in lapsonly}
        assert kinds == {
            EventKind.SNAPSHOT,
            EventKind.LAP,
            EventKind.STINT,
            EventKind.WEATHER,
            EventKind.END,
        }
        assert lapsonly[0][0].payload.order == []

    async def test_locations_are_frames_at_the_rate_asked(self) -> None:
        at = when("2024-06-09T18:30:00+00:00")
        options = ReplayOptions(
            speed=0,
            start=at,
            end=at + timedelta(seconds=10),
            streams=frozenset({ReplayStream.LOCATIONS}),
            location_hz=2,
        )
        events = await collect((await timeline(9531)), options)
        frames = [e for e, _, _ in events if e.kind is EventKind.LOCATIONS]
        assert [e.t_ms - epoch_ms(at) for e in frames] == list(range(0, 10_001, 500))
        frame = frames[4].payload
        assert len(frame.driver_numbers) == 20
        t = frames[4].date
        rows = [
            r
            for r in raw_rows(9531, "location")
            if r["driver_number"] == 44 and when(r["date"]) <= t
        ]
        i = frame.driver_numbers.index(44)
        assert (frame.x[i], frame.y[i]) == (rows[-1]["x"], rows[-1]["y"])
        track = events[0][0].payload.track
        assert track is not None and 50 < len(track.x) <= 800
        assert track.min_x <= min(track.x) and max(track.y) <= track.max_y


class TestBackpressure:
    """A slow reader loses the oldest due events, counted, and gets a snapshot instead."""

    async def test_slow_reader_drops_counted_events_and_resyncs(self) -> None:
        tl = await timeline(11253)
        clock = FakeClock()
        received = []
        async for event, dropped in play(tl, ReplayOptions(speed=100, max_lag=50), clock):
            received.append((event, dropped))
            clock.t += 1.0  # the reader takes a second per event: 100 s of session
        end = received[-1][0].payload
        assert end.dropped > 0 and end.dropped == received[-1][1]
        drops = [d for _, d in received]
        assert drops == sorted(drops)
        data = [e for e, _ in received if e.kind not in (EventKind.SNAPSHOT, EventKind.END)]
        assert len(data) + end.dropped == 6894  # every event is either sent or counted
        resyncs = [e for e, _ in received[1:] if e.kind is EventKind.SNAPSHOT]
        assert resyncs
        for snap in resyncs:
            order = [s.driver_number for s in snap.payload.order]
            assert order == latest_positions(11253, snap.date)

    async def test_speed_zero_waits_for_the_reader_instead(self) -> None:
        clock = FakeClock()
        count = 0
        async for _, dropped in play(
            (await timeline(11253)), ReplayOptions(speed=0, max_lag=5), clock
        ):
            assert dropped == 0
            clock.t += 10.0
            count += 1
        assert count == 6896
