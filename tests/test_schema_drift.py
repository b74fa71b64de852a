"""schema.graphql is generated from the code; this fails when it drifts."""

from __future__ import annotations

from f1graph.schema import schema
from tests.data import ROOT


def test_schema_file_matches_the_code() -> None:
    checked_in = (ROOT / "schema.graphql").read_text()
    assert checked_in == schema.as_str() + "\n", "schema.graphql is stale: run `make schema`"
