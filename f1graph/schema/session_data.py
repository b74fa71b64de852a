"""A resolver's way to a session: the request's session view (:mod:`f1graph.data.session`)."""

from __future__ import annotations

from typing import Any

from f1graph.data import SessionView
from f1graph.runtime import Info


def session_view(info: Info, session_key: int) -> SessionView:
    """The request's view of the session: datasets once per request, analyses once per
    dataset version."""
    return info.context.session(session_key)


async def rows(info: Info, endpoint: str, session_key: int) -> list[Any]:
    return await session_view(info, session_key).rows(endpoint)
