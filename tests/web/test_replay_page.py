"""The replay page in headless Chromium (``browser`` in conftest.py):
it plays a recorded session and shows the running order the graph gives for that instant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page

from f1graph.runtime import Context, build_services
from f1graph.schema import schema
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.replay.helpers import HeldLocations, recorded_settings
from tests.servers import serve_in_thread

FROM = "2026-03-29T05:30:00Z"  # 17.5 minutes of racing, played in 3.5 s at 300x
TO = "2026-03-29T05:47:31.500Z"
STANDINGS = f"""{{ session(sessionKey: 11253) {{ standings(at: "{TO}") {{
    position driverNumber gapToLeader {{ text }} }} }} }}"""
TYRES = f"""subscription {{ replay(sessionKey: 11253, speed: 0, from: "{TO}", include: []) {{
    snapshot {{ tyres {{ driverNumber compound }} }} }} }}"""


@pytest.fixture
def base_url() -> Iterator[str]:
    with serve_in_thread(create_app(recorded_settings()), ws="websockets-sansio") as url:
        yield url


async def play(browser: Browser, url: str) -> tuple[Page, list[str]]:
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(url)
    # a bound on a hang: a cold location load may pass the request deadline, and the page
    # then subscribes again after the retryAfter it is given
    await page.wait_for_function("document.body.dataset.state === 'ended'", timeout=300_000)
    return page, errors


async def graph(base_url: str, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        body = (await client.post(f"{base_url}/graphql", json={"query": query})).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


class TestReplayPage:
    """The page loads, plays at full speed and agrees with the graph."""

    async def test_running_order_matches_the_standings(
        self, base_url: str, browser: Browser
    ) -> None:
        page, errors = await play(
            browser,
            f"{base_url}/replay?session=11253&speed=300&from={FROM}&to={TO}&autoplay=1",
        )
        rows = await page.eval_on_selector_all(
            "#order tr",
            "rows => rows.map(r => [Number(r.dataset.driver), Number(r.dataset.position), "
            "r.dataset.compound, r.cells[2].textContent])",
        )
        standings = (await graph(base_url, STANDINGS))["session"]["standings"]
        assert [(r[0], r[1]) for r in rows] == [
            (s["driverNumber"], s["position"]) for s in standings
        ]
        assert len(rows) == 22 and rows[0][3] == "Leader"
        assert [r[3] for r in rows[1:]] == [s["gapToLeader"]["text"] for s in standings[1:]]
        services = build_services(recorded_settings())
        try:
            result = await schema.subscribe(TYRES, context_value=Context(services))
            first = await anext(aiter(result))  # type: ignore[arg-type]
            await result.aclose()  # type: ignore[union-attr]
        finally:
            await services.aclose()
        tyres = {
            t["driverNumber"]: t["compound"] for t in first.data["replay"]["snapshot"]["tyres"]
        }
        assert {r[0]: r[2] for r in rows} == tyres
        assert await page.get_attribute("#map", "data-track") == "none"
        assert await page.is_visible("#nomap")
        assert "ended" in (await page.text_content("#status") or "")
        assert errors == []

    async def test_track_map_from_locations(
        self, base_url: str, browser: Browser, tmp_path: Path
    ) -> None:
        page, errors = await play(
            browser,
            f"{base_url}/replay?session=9531&speed=0&from=2024-06-09T18:30:00Z"
            "&to=2024-06-09T18:31:00Z&autoplay=1",
        )
        assert await page.get_attribute("#map", "data-track") == "drawn"
        assert await page.get_attribute("#map", "data-cars") == "20"
        assert await page.is_hidden("#nomap")
        await page.screenshot(path=str(tmp_path / "replay-9531.png"))
        assert errors == []


WATCH_STATES = """
window.__states = [];
window.__sample = () => {
  const b = document.body, note = document.getElementById("loading");
  if (!b || !b.dataset.state) return;
  const last = window.__states[window.__states.length - 1];
  if (!last || last.state !== b.dataset.state) {
    window.__states.push({
      state: b.dataset.state,
      loading: note && !note.hidden ? note.textContent : null,
      status: document.getElementById("status").textContent,
      events: window.f1replay ? window.f1replay.events : 0,
    });
  }
};
setInterval(window.__sample, 2);
"""


class TestLoadingState:
    """Until the first event, the page says it is loading and what; then it plays."""

    async def test_loading_until_the_first_event(self, base_url: str, browser: Browser) -> None:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.add_init_script(WATCH_STATES)
        await page.goto(f"{base_url}/replay?session=11253&speed=300&from={FROM}&to={TO}&autoplay=1")
        await page.wait_for_function("document.body.dataset.state === 'ended'", timeout=60_000)
        states = await page.evaluate("window.__sample(), window.__states")
        assert [s["state"] for s in states] == ["idle", "loading", "playing", "ended"]
        first = states[1]
        assert first["events"] == 0 and first["status"].startswith("loading 2026")
        assert "(11253)" in first["loading"] and "laps, positions" in first["loading"]
        assert states[2]["events"] >= 1 and states[2]["loading"] is None  # hidden once playing
        assert await page.is_hidden("#loading")


class TestColdLoad:
    """A replay whose data is not in by the request deadline (SESSION_LOADING or
    OPENF1_API_UNAVAILABLE) is subscribed again after its retryAfter; the page says it is
    loading meanwhile, then plays."""

    async def test_retries_until_the_data_is_in(self, browser: Browser) -> None:
        source = HeldLocations()  # the car locations come when the test says
        app = create_app(Settings(source=DATA_DIR, request_timeout_s=3.0), source=source)
        try:
            with serve_in_thread(app, ws="websockets-sansio") as url:
                page = await browser.new_page(viewport={"width": 1280, "height": 800})
                await page.add_init_script(WATCH_STATES)
                await page.goto(
                    f"{url}/replay?session=9531&speed=0&from=2024-06-09T18:30:00Z"
                    "&to=2024-06-09T18:30:20Z&autoplay=1"
                )
                await page.wait_for_function(
                    "document.getElementById('loading').textContent.includes('Trying again')",
                    timeout=300_000,
                )
                note = await page.text_content("#loading") or ""
                assert "car locations of session 9531 are being loaded" in note
                assert await page.get_attribute("body", "data-state") == "loading"
                source.release()
                await page.wait_for_function(
                    "document.body.dataset.state === 'ended'", timeout=300_000
                )
                states = await page.evaluate("window.__sample(), window.__states")
        finally:
            source.release()
        assert [s["state"] for s in states] == ["idle", "loading", "playing", "ended"]
        assert await page.get_attribute("#map", "data-track") == "drawn"
        assert app.state.services.replays.loads == 1
