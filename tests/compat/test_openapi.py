"""The OpenAPI document, the docs page, and schemathesis run against the document."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, settings

from f1graph.compat import ROUTES
from f1graph.compat.openapi import openapi_document


class TestDocument:
    """The document describes every route of the table, with parameters and errors."""

    def test_every_route(self) -> None:
        doc = openapi_document()
        assert doc["openapi"] == "3.1.0"
        described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
        assert described == {(r.method, r.openapi_path) for r in ROUTES}

    def test_parameters_and_errors(self) -> None:
        op = openapi_document()["paths"]["/api/v1/race-control/{sessionKey}"]["get"]
        params = {p["name"]: p for p in op["parameters"]}
        assert params["sessionKey"]["in"] == "path" and params["sessionKey"]["required"]
        assert "SafetyCar" in params["category"]["schema"]["enum"]
        assert set(op["responses"]) == {"200", "400", "401", "403", "404", "429", "500", "503"}
        envelope = op["responses"]["200"]["content"]["application/json"]["schema"]
        item = envelope["properties"]["data"]["items"]
        assert item["properties"]["message"] == {"type": ["string", "null"]}

    async def test_served(self, app_url: str) -> None:
        async with httpx.AsyncClient() as client:
            served = (await client.get(f"{app_url}/api/v1/openapi.json")).json()
        assert served == openapi_document()


class TestDocsPage:
    """The docs page renders the document by itself: nothing is fetched from the internet."""

    async def test_offline(self, app_url: str) -> None:
        async with httpx.AsyncClient() as client:
            page = await client.get(f"{app_url}/api/v1/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert 'fetch("openapi.json")' in page.text
        assert "http://" not in page.text and "https://" not in page.text
        assert "<script src" not in page.text and "<link" not in page.text


# A request can fit the document and still be refused with 400 by a rule JSON Schema cannot
# state: car data too broad to answer in one response, one car listed twice in `drivers`.
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "429"]
            }
        }
    }
)
HANG_S = 300
schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis(case: schemathesis.Case[Any], app_url: str) -> None:
    """No 5xx, and every answer matches the document."""
    # a generous bound on a hang, not a speed: a busy machine is slow (schemathesis' default: 10 s)
    case.call_and_validate(base_url=app_url, timeout=HANG_S)
