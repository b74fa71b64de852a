"""Headless Chromium for the page tests: Debian's package (``make browser``), driven by Playwright,
which downloads no browser of its own."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> Path:
    """``F1GRAPH_CHROMIUM``, else ``chromium`` (or ``chromium-browser``) on the PATH."""
    named = os.environ.get("F1GRAPH_CHROMIUM")
    found = named or shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found or "/usr/bin/chromium")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    path = chromium_path()
    assert path.is_file(), f"{path} is missing: run `make browser` (apt-get install chromium)"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(path), args=FLAGS, chromium_sandbox=False
        )
        try:
            yield browser
        finally:
            await browser.close()
