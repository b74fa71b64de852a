"""``/replay``: a small self-contained page that plays a session over the subscription."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from starlette.requests import Request
from starlette.responses import HTMLResponse


@cache
def _page() -> str:
    return (files("f1graph.web") / "static" / "replay.html").read_text(encoding="utf-8")


async def replay_page(request: Request) -> HTMLResponse:
    """The page; everything it needs is inline, nothing is loaded from the internet."""
    return HTMLResponse(_page(), headers={"cache-control": "no-cache"})
