"""Automatic persisted queries, with the hash Apollo's client computes (SHA-256 of the query)."""

from __future__ import annotations

import hashlib

import httpx
import orjson

from tests.responses.conftest import QUERY, RACE, Served

# the ``{__typename}`` example of the APQ documentation, hash as published there
# (https://stellate.co/docs/platform/automatic-persisted-queries, after Apollo's)
APOLLO_DOC_EXTENSION = {
    "version": 1,
    "sha256Hash": "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38",
}


def apollo_hash(query: str) -> str:
    """What Apollo's persisted-query link sends: the hex SHA-256 of the query text."""
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(query: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": apollo_hash(query)}}


class TestRoundTrip:
    """Hash only: not found; query and hash: run and remembered; hash only again: run."""

    async def test_post_round_trip(self, served: Served, client: httpx.AsyncClient) -> None:
        url = f"{served.url}/graphql"
        variables = {"sessionKey": RACE}
        ext = persisted(QUERY)
        miss = await client.post(url, json={"variables": variables, "extensions": ext})
        assert miss.status_code == 200
        error = miss.json()["errors"][0]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        full = await client.post(
            url, json={"query": QUERY, "variables": variables, "extensions": ext}
        )
        assert full.json()["data"]["session"]["sessionName"] == "Race"
        short = await client.post(url, json={"variables": variables, "extensions": ext})
        assert short.json()["data"] == full.json()["data"]
        assert short.headers["x-cache"] == "HIT"

    async def test_get_round_trip_with_etag(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        url = f"{served.url}/graphql"
        params = {
            "variables": orjson.dumps({"sessionKey": RACE}).decode(),
            "extensions": orjson.dumps(persisted(QUERY)).decode(),
        }
        miss = await client.get(url, params=params)
        assert miss.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        await client.get(url, params={**params, "query": QUERY})
        short = await client.get(url, params=params)
        assert short.json()["data"]["session"]["sessionName"] == "Race"
        assert short.headers["cache-control"].startswith("public")
        again = await client.get(
            url, params=params, headers={"if-none-match": short.headers["etag"]}
        )
        assert again.status_code == 304

    async def test_apollo_documented_request(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        """The documented ``{__typename}`` request over GET, its hash copied from the
        documentation, not computed here."""
        url = f"{served.url}/graphql"
        ext = {"extensions": orjson.dumps({"persistedQuery": APOLLO_DOC_EXTENSION}).decode()}
        miss = await client.get(url, params=ext)
        assert miss.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        registered = await client.get(url, params={**ext, "query": "{__typename}"})
        assert registered.json()["data"] == {"__typename": "Query"}
        short = await client.get(url, params=ext)
        assert short.json()["data"] == {"__typename": "Query"}

    async def test_a_hash_that_does_not_match_the_query_is_refused(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        answer = await client.post(
            f"{served.url}/graphql",
            json={
                "query": QUERY,
                "variables": {"sessionKey": RACE},
                "extensions": persisted("{x}"),
            },
        )
        error = answer.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "does not match" in error["message"]
