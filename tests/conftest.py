from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.data import DATA_DIR
from tests.execution.shadow import Shadow, shadowing
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The recorded OpenF1 data (``../shared/openf1/dev``); the suite fails without it."""
    assert (DATA_DIR / "sessions.json").exists(), f"recorded OpenF1 data not found at {DATA_DIR}"
    return DATA_DIR


@pytest.fixture
def fake() -> FakeOpenF1:
    """A fake OpenF1 over the recorded data (fresh counts and faults for each test)."""
    return make_fake_openf1(DATA_DIR)


@pytest.fixture
def fake_url(fake: FakeOpenF1) -> Iterator[str]:
    """The fake OpenF1 served over HTTP on 127.0.0.1."""
    with serve_in_thread(fake) as url:
        yield url


SHADOWED_ALWAYS = ("execution", "schema")
"""Test folders whose every query is shadowed in ``make test``: the graph's own fields. The
rest of the suite is shadowed by ``make differential`` (``F1GRAPH_SHADOW=all``)."""


@pytest.fixture(autouse=True)
def shadow(request: pytest.FixtureRequest) -> Iterator[Shadow | None]:
    """Every query a test runs also runs on graphql-core's standard executor, and must answer
    the same (data and errors): the compiled plans' differential contract. On for the folders
    of :data:`SHADOWED_ALWAYS`, for a test that names this fixture, and for every test with
    ``F1GRAPH_SHADOW=all``; a test opts out with ``@pytest.mark.no_shadow`` (it counts
    resolver calls, which shadowing doubles)."""
    folder = Path(str(request.node.path)).parent.name
    wanted = (
        os.environ.get("F1GRAPH_SHADOW") == "all"
        or folder in SHADOWED_ALWAYS
        or "shadow" in inspect.signature(request.node.function).parameters
    )
    if not wanted or request.node.get_closest_marker("no_shadow") is not None:
        yield None
        return
    with shadowing() as shadow:
        yield shadow
    assert not shadow.differences, "\n\n".join(shadow.differences)
