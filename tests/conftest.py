from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.data import DATA_DIR
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The recorded OpenF1 data (``../shared/openf1/dev``); the suite fails without it."""
    assert (DATA_DIR / "sessions.json").exists(), f"recorded OpenF1 data not found at {DATA_DIR}"
    return DATA_DIR


@pytest.fixture
def fake() -> FakeOpenF1:
    """A fake OpenF1 of the test's own (fresh counts and faults), over the recorded data."""
    return make_fake_openf1(DATA_DIR)


@pytest.fixture
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    """The fake OpenF1 served over real HTTP."""
    with serve_in_thread(fake) as url:
        yield url
