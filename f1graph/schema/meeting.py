"""The ``Meeting`` type: a Grand Prix or test event."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import strawberry

from f1graph.openf1 import SESSIONS, records, where
from f1graph.runtime import Info
from f1graph.schema.common import Presents, query_rows
from f1graph.schema.session import Session

R = TypeVar("R")


@strawberry.type(description="A Grand Prix or test event, holding several sessions.")
class Meeting(Presents[records.Meeting]):
    meeting_key: int = strawberry.field(description="OpenF1's key of the meeting.")
    meeting_name: str | None = strawberry.field(description="E.g. Japanese Grand Prix.")
    meeting_official_name: str | None = strawberry.field(description="The sponsor-laden name.")
    meeting_code: str | None = strawberry.field(description="A short code, e.g. JPN.")
    location: str | None = strawberry.field(description="The city or area.")
    country_key: int | None = strawberry.field(description="OpenF1's key of the country.")
    country_code: str | None = strawberry.field(description="ISO 3166 alpha-3 country code.")
    country_name: str | None = strawberry.field(description="The country.")
    country_flag: str | None = strawberry.field(description="A picture of the flag.")
    circuit_key: int | None = strawberry.field(description="OpenF1's key of the circuit.")
    circuit_short_name: str | None = strawberry.field(description="The circuit's short name.")
    circuit_type: str | None = strawberry.field(description="E.g. Permanent, Temporary - Street.")
    circuit_info_url: str | None = strawberry.field(description="Circuit details.")
    circuit_image: str | None = strawberry.field(description="A picture of the circuit.")
    gmt_offset: str | None = strawberry.field(description="Local time offset from UTC.")
    date_start: datetime | None = strawberry.field(description="First session's start (UTC).")
    date_end: datetime | None = strawberry.field(description="Last session's end (UTC).")
    year: int | None = strawberry.field(description="The season.")
    is_cancelled: bool | None = strawberry.field(description="Whether it was cancelled.")

    @strawberry.field(description="The meeting's sessions, in time order.")
    async def sessions(self, info: Info) -> list[Session]:
        rows = await query_rows(info, SESSIONS, where(meeting_key=self.meeting_key))
        return Session.many(_by_start(rows))


def _by_start(rows: list[R]) -> list[R]:
    return sorted(
        rows,
        key=lambda r: (getattr(r, "date_start", None) is None, getattr(r, "date_start", None) or 0),
    )
