"""GraphiQL from the gateway's own files: the page runs a query in headless Chromium with every
request outside the gateway blocked, and says how to install its files when they are missing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Route

from f1graph.web import create_app
from f1graph.web.graphiql import ASSETS, DEFAULT_DIR
from tests.replay.helpers import recorded_settings
from tests.servers import serve_in_thread

QUERY = "{ session(sessionKey: 11253) { sessionName meeting { meetingName } } }"


@pytest.fixture
def base_url() -> Iterator[str]:
    assert all((DEFAULT_DIR / p).is_file() for p in ASSETS.values()), "run `make graphiql`"
    with serve_in_thread(create_app(recorded_settings()), ws="websockets-sansio") as url:
        yield url


class TestGraphiQLPage:
    """The page loads only from the gateway and answers a query typed into its editor."""

    async def test_runs_a_query_from_the_editor_offline(
        self, base_url: str, browser: Browser
    ) -> None:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        elsewhere: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        async def only_the_gateway(route: Route) -> None:
            if route.request.url.startswith(base_url) or route.request.url.startswith("data:"):
                await route.continue_()
            else:
                elsewhere.append(route.request.url)
                await route.abort()

        await page.route("**/*", only_the_gateway)
        await page.goto(f"{base_url}/graphql", wait_until="load")
        await page.wait_for_selector(".graphiql-query-editor .CodeMirror", timeout=60_000)
        await page.evaluate(
            "q => document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror.setValue(q)",
            QUERY,
        )
        await page.click(".graphiql-execute-button")
        result = page.locator(".result-window")
        await result.get_by_text("Japanese Grand Prix").wait_for(timeout=60_000)
        text = await result.inner_text()
        assert '"sessionName": "Race"' in text and '"meetingName": "Japanese Grand Prix"' in text
        assert errors == [] and elsewhere == []

    async def test_assets_and_licences_are_served(self, base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url) as client:
            page = await client.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 200
            assert "https://" not in page.text and "unpkg" not in page.text
            for name in ASSETS:
                assert f'"/graphiql/{name}"' in page.text
                asset = await client.get(f"/graphiql/{name}")
                assert asset.status_code == 200
                assert asset.content == (DEFAULT_DIR / ASSETS[name]).read_bytes()
            licences = (await client.get("/graphiql/LICENSES")).text
            assert "graphiql 3.8.3: MIT" in licences and "react 18.2.0: MIT" in licences
            assert (await client.get("/graphiql/package.json")).status_code == 404


class TestWithoutAssets:
    """An install that skipped `make graphiql` gets a page saying how to fetch the files."""

    async def test_page_says_how_to_install(self, tmp_path: Path) -> None:
        settings = dataclasses.replace(recorded_settings(), graphiql_dir=tmp_path)
        with serve_in_thread(create_app(settings)) as url:
            async with httpx.AsyncClient(base_url=url) as client:
                page = await client.get("/graphql", headers={"accept": "text/html"})
                query = await client.post("/graphql", json={"query": "{ health { status } }"})
        assert page.status_code == 503
        assert "make graphiql" in page.text and str(tmp_path) in page.text
        assert query.json()["data"] == {"health": {"status": "ok"}}
