"""GET answers of ended sessions carry Cache-Control and a strong ETag; If-None-Match gets 304;
compression is zstd when the client takes it, else gzip, kept with the stored answer."""

from __future__ import annotations

import gzip

import httpx
import orjson
import zstandard

from tests.responses.conftest import QUERY, RACE, Served


def graphql_get(served: Served, query: str = QUERY) -> tuple[str, dict[str, str]]:
    variables = orjson.dumps({"sessionKey": RACE}).decode()
    return f"{served.url}/graphql", {"query": query, "variables": variables}


class TestETag:
    """Browsers and CDNs can cache a finished session's answers and revalidate them."""

    async def test_graphql_get_then_if_none_match_is_304(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        url, params = graphql_get(served)
        first = await client.get(url, params=params)
        assert first.status_code == 200
        assert first.headers["cache-control"] == "public, max-age=3600"
        etag = first.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        again = await client.get(url, params=params, headers={"if-none-match": etag})
        assert again.status_code == 304 and again.content == b""
        assert served.front.executions == 1
        fresh = await client.get(url, params=params)
        assert fresh.headers["x-cache"] == "HIT"
        revalidated = await client.get(
            url, params=params, headers={"if-none-match": fresh.headers["etag"]}
        )
        assert revalidated.status_code == 304

    async def test_an_evicted_session_no_longer_matches(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        url, params = graphql_get(served)
        etag = (await client.get(url, params=params)).headers["etag"]
        evict = f"mutation {{ evictSession(sessionKey: {RACE}) {{ entriesDropped }} }}"
        await client.post(url, json={"query": evict})
        after = await client.get(url, params=params, headers={"if-none-match": etag})
        # executed again (the stored answer is unreachable); the same bytes keep the same ETag
        assert (after.status_code, after.headers["x-cache"]) == (304, "MISS")
        assert served.front.executions == 2

    async def test_post_carries_no_http_caching(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        answer = await served.post(client)
        assert "etag" not in answer.headers and "cache-control" not in answer.headers

    async def test_rest_route_get_then_304(self, served: Served, client: httpx.AsyncClient) -> None:
        url = f"{served.url}/api/v1/laps/{RACE}/fastest"
        first = await client.get(url)
        assert first.status_code == 200 and first.headers["x-cache"] == "MISS"
        assert first.json()["sessionKey"] == RACE
        again = await client.get(url, headers={"if-none-match": first.headers["etag"]})
        assert again.status_code == 304
        hit = await client.get(url)
        assert hit.headers["x-cache"] == "HIT" and hit.content == first.content
        assert served.front.executions == 1

    async def test_each_content_coding_has_its_own_strong_etag(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        url = f"{served.url}/api/v1/laps/{RACE}"  # every lap: large enough to be compressed
        await client.get(url)
        tags = {}
        for coding in ("identity", "gzip", "zstd"):
            answer = await client.get(url, headers={"accept-encoding": coding})
            assert answer.headers["x-cache"] == "HIT"
            assert answer.headers.get("content-encoding", "identity") == coding
            tags[coding] = answer.headers["etag"]
        assert len(set(tags.values())) == 3  # three different byte strings, three tags
        assert tags["gzip"] == tags["identity"][:-1] + '-gzip"'
        for coding, tag in tags.items():
            again = await client.get(url, headers={"accept-encoding": coding, "if-none-match": tag})
            assert (again.status_code, again.headers["etag"]) == (304, tag)
        other = await client.get(url, headers={"if-none-match": '"0123456789abcdef01234567"'})
        assert other.status_code == 200


class TestCompression:
    """zstd when accepted, gzip level 1 otherwise, the stored form reused on hits."""

    async def test_zstd_then_gzip_then_identity(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        query = f"{{ session(sessionKey: {RACE}) {{ laps {{ lapNumber lapDuration }} }} }}"
        url = f"{served.url}/graphql"
        plain = await client.post(
            url, json={"query": query}, headers={"accept-encoding": "identity"}
        )
        assert "content-encoding" not in plain.headers
        raw = {"accept-encoding": "zstd, gzip"}
        req = client.build_request("POST", url, json={"query": query}, headers=raw)
        zstd = await client.send(req, stream=True)
        body = b"".join([chunk async for chunk in zstd.aiter_raw()])
        assert zstd.headers["content-encoding"] == "zstd"
        decoded = zstandard.ZstdDecompressor().decompressobj().decompress(body)
        assert orjson.loads(decoded)["data"] == plain.json()["data"]
        req = client.build_request(
            "POST", url, json={"query": query}, headers={"accept-encoding": "gzip"}
        )
        gz = await client.send(req, stream=True)
        body = b"".join([chunk async for chunk in gz.aiter_raw()])
        assert gz.headers["content-encoding"] == "gzip"
        assert orjson.loads(gzip.decompress(body))["data"] == plain.json()["data"]

    async def test_hits_reuse_the_stored_compressed_form(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        query = f"{{ session(sessionKey: {RACE}) {{ laps {{ lapNumber lapDuration }} }} }}"
        url = f"{served.url}/graphql"
        bodies, states = [], []
        for _ in range(4):
            req = client.build_request(
                "POST", url, json={"query": query}, headers={"accept-encoding": "gzip"}
            )
            answer = await client.send(req, stream=True)
            bodies.append(b"".join([chunk async for chunk in answer.aiter_raw()]))
            states.append(answer.headers["x-cache"])
        assert states == ["MISS", "HIT", "HIT", "HIT"]
        # the miss's body, then the stored answer's (``"cache":"hit"``), once: hits reuse it
        assert served.front.compressions == 2
        assert bodies[1] == bodies[2] == bodies[3] != bodies[0]
        assert orjson.loads(gzip.decompress(bodies[3]))["extensions"]["cache"] == "hit"
        assert served.front.executions == 1

    async def test_small_answers_are_not_compressed(
        self, served: Served, client: httpx.AsyncClient
    ) -> None:
        query = f"{{ session(sessionKey: {RACE}) {{ sessionName }} }}"
        answer = await client.post(
            f"{served.url}/graphql", json={"query": query}, headers={"accept-encoding": "gzip"}
        )
        assert "content-encoding" not in answer.headers
