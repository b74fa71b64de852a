"""schemathesis against the GraphQL schema: no 5xx, and every error carries a code other than
INTERNAL_SERVER_ERROR, whatever the arguments.

``make test`` runs a few examples per root field (a smoke run); ``make fuzz`` runs many
(``F1GRAPH_FUZZ_EXAMPLES``). The gateway serves the recorded data over real HTTP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.servers import serve_in_thread

EXAMPLES = int(os.environ.get("F1GRAPH_FUZZ_EXAMPLES", "4"))
SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"
HANG_BOUND_S = 300.0  # a bound on a hang under load, not a speed

# DateTime arguments: real instants (inside and around the recorded sessions) and junk text
schemathesis.graphql.scalar(
    "DateTime",
    st.one_of(
        st.datetimes(
            min_value=datetime(2023, 1, 1), max_value=datetime(2027, 1, 1), timezones=st.just(UTC)
        ).map(lambda d: d.isoformat().replace("+00:00", "Z")),
        st.text(max_size=30),
    ).map(nodes.String),
)
schema = schemathesis.graphql.from_file(SCHEMA_FILE.read_text())


@pytest.fixture(scope="module")
def graphql_url() -> Iterator[str]:
    with serve_in_thread(create_app(Settings(source=DATA_DIR, request_timeout_s=60))) as url:
        yield f"{url}/graphql"


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_error_coded(
    case: schemathesis.Case[Any], graphql_url: str
) -> None:
    """Whatever the fields and arguments: a 2xx or 4xx, JSON, and only coded client errors."""
    response = case.call(url=graphql_url, timeout=HANG_BOUND_S)
    assert response.status_code < 500, (case.body, response.text[:500])
    body = response.json()
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        assert code is not None, (case.body, error)
        assert code != "INTERNAL_SERVER_ERROR", (case.body, error)
