"""Small timing types: pit stops, positions, overtakes, team radio, weather."""

from __future__ import annotations

from datetime import datetime

import strawberry

from f1graph.openf1 import records
from f1graph.schema.common import Presents


@strawberry.type(description="One pit-lane visit.")
class PitStop(Presents[records.Pit]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    date: datetime = strawberry.field(description="When the car entered the pit lane (UTC).")
    lap_number: int | None = strawberry.field(description="The lap on which the car pitted.")
    pit_duration: float | None = strawberry.field(
        description="Time from pit entry to pit exit [s] (OpenF1's older name for lane time)."
    )
    lane_duration: float | None = strawberry.field(description="Time in the pit lane [s].")
    stop_duration: float | None = strawberry.field(
        description="Time stationary in the box [s]; recorded from 2025 on."
    )


@strawberry.type(description="A driver's position from this instant until the next change.")
class Position(Presents[records.Position]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    date: datetime = strawberry.field(description="When the position took effect (UTC).")
    position: int = strawberry.field(description="The position, from 1.")


@strawberry.type(description="One overtake (races only).")
class Overtake(Presents[records.Overtake]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    date: datetime = strawberry.field(description="When it happened (UTC).")
    overtaking_driver_number: int = strawberry.field(description="The car that passed.")
    overtaken_driver_number: int = strawberry.field(description="The car that was passed.")
    position: int | None = strawberry.field(description="The position the overtaker gained.")


@strawberry.type(description="A team radio clip.")
class TeamRadio(Presents[records.TeamRadio]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    driver_number: int = strawberry.field(description="The driver's car number.")
    date: datetime = strawberry.field(description="When it was broadcast (UTC).")
    recording_url: str | None = strawberry.field(description="The MP3 recording.")


@strawberry.type(description="Weather at the circuit, about once a minute.")
class Weather(Presents[records.Weather]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    date: datetime = strawberry.field(description="When it was measured (UTC).")
    air_temperature: float | None = strawberry.field(description="Air temperature [°C].")
    track_temperature: float | None = strawberry.field(description="Track temperature [°C].")
    humidity: float | None = strawberry.field(description="Relative humidity [%].")
    pressure: float | None = strawberry.field(description="Air pressure [mbar].")
    rainfall: int | None = strawberry.field(description="Whether it rains (0 or 1).")
    wind_direction: int | None = strawberry.field(description="Wind direction [°, 0-359].")
    wind_speed: float | None = strawberry.field(description="Wind speed [m/s].")


@strawberry.type(description="A race-control message: flags, safety car, incidents, notes.")
class RaceControlMessage(Presents[records.RaceControl]):
    session_key: int = strawberry.field(description="The session.")
    meeting_key: int | None = strawberry.field(description="The meeting of the session.")
    date: datetime = strawberry.field(description="When it was issued (UTC).")
    category: str | None = strawberry.field(
        description="Flag, SafetyCar, Drs, CarEvent, SessionStatus or Other."
    )
    flag: str | None = strawberry.field(
        description="GREEN, YELLOW, DOUBLE YELLOW, RED, BLUE, CLEAR, CHEQUERED, BLACK AND WHITE..."
    )
    scope: str | None = strawberry.field(description="Track, Sector or Driver.")
    sector: int | None = strawberry.field(description="The mini-sector concerned, if any.")
    driver_number: int | None = strawberry.field(description="The car concerned, if any.")
    lap_number: int | None = strawberry.field(description="The lap (of the leader) it refers to.")
    qualifying_phase: int | None = strawberry.field(description="Q1, Q2 or Q3 as 1-3.")
    message: str | None = strawberry.field(description="The message text.")
