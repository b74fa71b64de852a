"""The root ``Query``: meetings and sessions, by key or by search."""

from __future__ import annotations

from typing import Annotated

import strawberry

from f1graph.errors import NotFoundError
from f1graph.openf1 import DRIVERS, MEETINGS, SESSIONS, where
from f1graph.runtime import Info
from f1graph.schema.common import arg, query_rows
from f1graph.schema.driver import Driver
from f1graph.schema.meeting import Meeting, _by_start
from f1graph.schema.session import Session
from f1graph.schema.session_data import session_drivers, session_view


async def session_by_key(info: Info, session_key: int) -> Session:
    """The session, or a NOT_FOUND error."""
    rows = await session_view(info, session_key).rows(SESSIONS)
    if not rows:
        raise NotFoundError(f"Session {session_key} does not exist.")
    return Session.one(rows[0])


@strawberry.type
class SessionQuery:
    @strawberry.field(description="Meetings (Grand Prix and tests), filtered; all filters ANDed.")
    async def meetings(
        self,
        info: Info,
        year: Annotated[int | None, arg("The season.")] = None,
        country_name: Annotated[str | None, arg("The country, e.g. Japan.")] = None,
        circuit_short_name: Annotated[str | None, arg("The circuit, e.g. Suzuka.")] = None,
    ) -> list[Meeting]:
        rows = await query_rows(
            info,
            MEETINGS,
            where(year=year, country_name=country_name, circuit_short_name=circuit_short_name),
        )
        return Meeting.many(_by_start(rows))

    @strawberry.field(description="One meeting; null with a NOT_FOUND error if unknown.")
    async def meeting(
        self, info: Info, meeting_key: Annotated[int, arg("OpenF1 key of the meeting.")]
    ) -> Meeting | None:
        rows = await query_rows(info, MEETINGS, where(meeting_key=meeting_key))
        if not rows:
            raise NotFoundError(f"Meeting {meeting_key} does not exist.")
        return Meeting.one(rows[0])

    @strawberry.field(description="Sessions, filtered; all filters ANDed, in time order.")
    async def sessions(
        self,
        info: Info,
        year: Annotated[int | None, arg("The season.")] = None,
        meeting_key: Annotated[int | None, arg("The meeting.")] = None,
        session_name: Annotated[str | None, arg("E.g. Race, Qualifying, Practice 1.")] = None,
        session_type: Annotated[str | None, arg("Race, Qualifying or Practice.")] = None,
        country_name: Annotated[str | None, arg("The country, e.g. Japan.")] = None,
        circuit_short_name: Annotated[str | None, arg("The circuit, e.g. Suzuka.")] = None,
    ) -> list[Session]:
        rows = await query_rows(
            info,
            SESSIONS,
            where(
                year=year,
                meeting_key=meeting_key,
                session_name=session_name,
                session_type=session_type,
                country_name=country_name,
                circuit_short_name=circuit_short_name,
            ),
        )
        return Session.many(_by_start(rows))

    @strawberry.field(
        description="Drivers as entered in sessions, filtered (all filters ANDed; text filters "
        "ignore case). Without a session key this searches every session OpenF1 has."
    )
    async def drivers(
        self,
        info: Info,
        session_key: Annotated[int | None, arg("Only this session.")] = None,
        driver_number: Annotated[int | None, arg("Only this car number.")] = None,
        team_name: Annotated[str | None, arg("Only this team, e.g. Ferrari.")] = None,
        name_acronym: Annotated[str | None, arg("Only this driver, e.g. VER.")] = None,
    ) -> list[Driver]:
        if session_key is not None:
            rows = list((await session_drivers(info, session_key)).values())
        else:
            rows = await query_rows(info, DRIVERS, where(driver_number=driver_number))
        wanted = {"team_name": team_name, "name_acronym": name_acronym}
        found = [
            d
            for d in rows
            if (driver_number is None or d.driver_number == driver_number)
            and all(
                v is None or (getattr(d, k) or "").lower() == v.lower() for k, v in wanted.items()
            )
        ]
        return Driver.many(sorted(found, key=lambda d: (d.session_key or 0, d.driver_number)))

    @strawberry.field(description="One session; null with a NOT_FOUND error if unknown.")
    async def session(
        self, info: Info, session_key: Annotated[int, arg("OpenF1 key of the session.")]
    ) -> Session | None:
        return await session_by_key(info, session_key)

    @strawberry.field(
        description="The latest session OpenF1 knows (resolved to its key before any caching)."
    )
    async def latest_session(self, info: Info) -> Session | None:
        key = await info.context.services.datasets.resolve_latest()
        return await session_by_key(info, key)
