"""Typed records for every OpenF1 endpoint, decoded straight from JSON bytes by msgspec.

Every field OpenF1 may omit is optional (older recordings lack some fields); fields OpenF1 adds
later are ignored until we name them here. Units follow OpenF1: durations in seconds, speeds in
km/h, dates in UTC.
"""

from __future__ import annotations

from datetime import datetime

import msgspec


class Record(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """Base of every OpenF1 row."""

    meeting_key: int | None = None
    session_key: int | None = None


class CarData(Record, frozen=True, kw_only=True):
    """One car telemetry sample (about 3.7 Hz): speed [km/h], rpm, gear, throttle and brake [%]."""

    date: datetime
    driver_number: int
    speed: int | None = None
    rpm: int | None = None
    n_gear: int | None = None
    throttle: int | None = None
    brake: int | None = None
    drs: int | None = None


class Driver(Record, frozen=True, kw_only=True):
    """A driver as entered in one session."""

    driver_number: int
    broadcast_name: str | None = None
    full_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name_acronym: str | None = None
    team_name: str | None = None
    team_colour: str | None = None
    headshot_url: str | None = None
    country_code: str | None = None


class Interval(Record, frozen=True, kw_only=True):
    """Gap to the leader and to the car ahead [s], or text such as ``+1 LAP``; races only."""

    date: datetime
    driver_number: int
    gap_to_leader: float | str | None = None
    interval: float | str | None = None


class Lap(Record, frozen=True, kw_only=True):
    """One lap of one driver: sector times [s], speed traps [km/h] and mini-sector codes."""

    driver_number: int
    lap_number: int
    date_start: datetime | None = None
    lap_duration: float | None = None
    duration_sector_1: float | None = None
    duration_sector_2: float | None = None
    duration_sector_3: float | None = None
    i1_speed: int | None = None
    i2_speed: int | None = None
    st_speed: int | None = None
    is_pit_out_lap: bool | None = None
    segments_sector_1: list[int | None] | None = None
    segments_sector_2: list[int | None] | None = None
    segments_sector_3: list[int | None] | None = None


class Location(Record, frozen=True, kw_only=True):
    """One car position sample on the circuit's own x/y/z grid (about 3.7 Hz)."""

    date: datetime
    driver_number: int
    x: int | None = None
    y: int | None = None
    z: int | None = None


class Meeting(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A Grand Prix or testing event, holding several sessions."""

    meeting_key: int
    meeting_name: str | None = None
    meeting_official_name: str | None = None
    meeting_code: str | None = None
    location: str | None = None
    country_key: int | None = None
    country_code: str | None = None
    country_name: str | None = None
    country_flag: str | None = None
    circuit_key: int | None = None
    circuit_short_name: str | None = None
    circuit_type: str | None = None
    circuit_info_url: str | None = None
    circuit_image: str | None = None
    gmt_offset: str | None = None
    date_start: datetime | None = None
    date_end: datetime | None = None
    year: int | None = None
    is_cancelled: bool | None = None


class Overtake(Record, frozen=True, kw_only=True):
    """One overtake: who passed whom, and the position gained; races only."""

    date: datetime
    overtaking_driver_number: int
    overtaken_driver_number: int
    position: int | None = None


class Pit(Record, frozen=True, kw_only=True):
    """One pit-lane visit: lane time and, from 2025, stationary time [s]."""

    date: datetime
    driver_number: int
    lap_number: int | None = None
    pit_duration: float | None = None
    lane_duration: float | None = None
    stop_duration: float | None = None


class Position(Record, frozen=True, kw_only=True):
    """A driver's position from this instant until the next row."""

    date: datetime
    driver_number: int
    position: int


class RaceControl(Record, frozen=True, kw_only=True):
    """A race-control message: flags, safety car, incidents, notes."""

    date: datetime
    category: str | None = None
    flag: str | None = None
    scope: str | None = None
    sector: int | None = None
    driver_number: int | None = None
    lap_number: int | None = None
    qualifying_phase: int | None = None
    message: str | None = None


class Session(Record, frozen=True, kw_only=True):
    """One session (practice, qualifying, sprint or race) of a meeting."""

    session_key: int
    session_name: str | None = None
    session_type: str | None = None
    date_start: datetime | None = None
    date_end: datetime | None = None
    location: str | None = None
    country_key: int | None = None
    country_code: str | None = None
    country_name: str | None = None
    circuit_key: int | None = None
    circuit_short_name: str | None = None
    gmt_offset: str | None = None
    year: int | None = None
    is_cancelled: bool | None = None


class SessionResult(Record, frozen=True, kw_only=True):
    """A driver's classification; qualifying gives one duration per part (Q1, Q2, Q3)."""

    driver_number: int
    position: int | None = None
    number_of_laps: int | None = None
    points: float | None = None
    dnf: bool | None = None
    dns: bool | None = None
    dsq: bool | None = None
    duration: float | list[float | None] | None = None
    gap_to_leader: float | str | list[float | str | None] | None = None


class StartingGrid(Record, frozen=True, kw_only=True):
    """A driver's grid slot and the qualifying lap [s] that earned it."""

    driver_number: int
    position: int | None = None
    lap_duration: float | None = None


class Stint(Record, frozen=True, kw_only=True):
    """A run on one set of tyres: first and last lap, compound, age [laps] at the start."""

    driver_number: int
    stint_number: int
    lap_start: int | None = None
    lap_end: int | None = None
    compound: str | None = None
    tyre_age_at_start: int | None = None


class TeamRadio(Record, frozen=True, kw_only=True):
    """A team radio clip."""

    date: datetime
    driver_number: int
    recording_url: str | None = None


class Weather(Record, frozen=True, kw_only=True):
    """Weather at the circuit about once a minute: temperatures [°C], humidity [%],
    pressure [mbar], rainfall (0 or 1), wind direction [°] and speed [m/s]."""

    date: datetime
    air_temperature: float | None = None
    track_temperature: float | None = None
    humidity: float | None = None
    pressure: float | None = None
    rainfall: int | None = None
    wind_direction: int | None = None
    wind_speed: float | None = None


class ChampionshipDriver(Record, frozen=True, kw_only=True):
    """A driver's championship standing before and after a session (races only; from 2025)."""

    driver_number: int
    position_start: int | None = None
    position_current: int | None = None
    points_start: float | None = None
    points_current: float | None = None


class ChampionshipTeam(Record, frozen=True, kw_only=True):
    """A team's championship standing before and after a session (races only; from 2025)."""

    team_name: str
    position_start: int | None = None
    position_current: int | None = None
    points_start: float | None = None
    points_current: float | None = None
