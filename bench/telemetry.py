"""Issue 4 figures: telemetry over HTTP against the orjson floor, memory, upstream requests.

Run: ``.venv/bin/python -m bench.telemetry``. Race 9531 with car data generated from its real
laps (every car) and its real location, served by the fake OpenF1 over loopback HTTP, with
f1graph in front of it (uvicorn, asyncio loop, h11), as in the end-to-end tests.

Each warm figure is timed over HTTP, then against two floors measured in the same run:
``orjson.dumps`` of the same answer's data as plain lists (what encoding that JSON costs) and of
the same columns as numpy arrays. Ratios are given of the medians and of the best runs (the
least disturbed by other processes on a shared machine). The HTTP client is ``http.client`` on a
kept-alive connection (a thin client, so the time is the server's); httpx is shown beside it.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import http.client
import statistics
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson

from bench.common import report
from f1graph.runtime import Context
from f1graph.schema import schema
from f1graph.schema.scalars import JSON_OPTIONS, dumps_json
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.fake_openf1 import FakeOpenF1, make_fake_openf1
from tests.servers import serve_in_thread
from tests.telemetry_data import build_telemetry_dir, generated_car_data

CHANNELS = "driverNumber count date speed rpm nGear throttle brake drs drsOpen distance"
WHOLE_RACE = "{ session(sessionKey: 9531) { driver(driverNumber: 1) { carData { %s } } } }"
ONE_LAP = (
    "{ session(sessionKey: 9531) { driver(driverNumber: 1) {"
    " lap(lapNumber: 20) { carData { count } } } } }"
)
HUNDRED_K = (
    '{ session(sessionKey: 9531) { carData(from: "2024-06-09T18:30:00Z", '
    'to: "2024-06-09T18:52:40Z") { %s } } }'
)
WARM_DATASETS = "{ session(sessionKey: 9531) { laps { lapNumber } drivers { driverNumber } } }"
NUMPY_TYPES: dict[str, Any] = {
    "date": "datetime64[ms]",
    "speed": np.int16,
    "rpm": np.int32,
    "nGear": np.int8,
    "throttle": np.int16,
    "brake": np.int16,
    "drs": np.int16,
    "drsOpen": np.bool_,
    "distance": np.float64,
}


@dataclass
class Paired:
    """Medians of one warm query over HTTP and of both floors, and the best runs."""

    http_ms: float
    floor_ms: float
    numpy_floor_ms: float
    best_http_ms: float
    best_floor_ms: float
    samples: int


class Client:
    """POSTs on one kept-alive ``http.client`` connection."""

    def __init__(self, url: str, encoding: str = "identity") -> None:
        parsed = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parsed.hostname or "", parsed.port)
        self.headers = {"content-type": "application/json", "accept-encoding": encoding}

    def post(self, query: str) -> bytes:
        self.connection.request(
            "POST", "/graphql", body=orjson.dumps({"query": query}), headers=self.headers
        )
        response = self.connection.getresponse()
        body = response.read()
        if response.getheader("content-encoding") == "gzip":
            body = gzip.decompress(body)
        assert response.status == 200 and b'"errors"' not in body[:300], body[:500]
        return body


def timed_ms(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def as_numpy(series: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in series.items():
        kind = NUMPY_TYPES.get(name)
        if kind == "datetime64[ms]":
            out[name] = np.array([v[:-6] for v in value], dtype="datetime64[ms]")
        else:
            out[name] = value if kind is None else np.array(value, dtype=kind)
    return out


def paired(url: str, query: str, runs: int, pick: Callable[[Any], list[Any]]) -> Paired:
    """HTTP runs in one block, then the floors in another (interleaving them would time the
    floor while the server thread still tidies up after its answer)."""
    client = Client(url)
    for _ in range(3):
        body = client.post(query)
    https = [timed_ms(lambda: client.post(query)) for _ in range(runs)]
    data = orjson.loads(body)
    series = pick(data)
    arrays = [as_numpy(s) for s in series]
    gc.collect()
    floors = [timed_ms(lambda: orjson.dumps(data)) for _ in range(runs)]
    numpy_floors = [
        timed_ms(lambda: orjson.dumps(arrays, option=JSON_OPTIONS)) for _ in range(runs)
    ]
    return Paired(
        statistics.median(https),
        statistics.median(floors),
        statistics.median(numpy_floors),
        min(https),
        min(floors),
        sum(s["count"] for s in series),
    )


def median_of(fn: Callable[[], Any], runs: int) -> float:
    fn()
    return statistics.median(timed_ms(fn) for _ in range(runs))


def in_process_ms(services: Any, query: str, runs: int) -> float:
    """Median of executing the query and encoding its result inside the process, no HTTP."""

    async def once() -> None:
        result = await schema.execute(query, context_value=Context(services))
        assert not result.errors, result.errors
        dumps_json({"data": result.data})

    async def all_runs() -> list[float]:
        await once()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            await once()
            times.append((time.perf_counter() - started) * 1000)
        return times

    return statistics.median(asyncio.run(all_runs()))


def httpx_ms(url: str, query: str, runs: int) -> float:
    with httpx.Client(timeout=120, headers={"accept-encoding": "identity"}) as client:
        return median_of(lambda: client.post(f"{url}/graphql", json={"query": query}), runs)


def cold(fake: FakeOpenF1, settings: Settings, query: str) -> tuple[int, int, int, int]:
    """On a fresh f1graph: upstream car_data requests of the query, the memory cache's bytes it
    added, the bytes held decoded in the process (windows and the stitched range), and the
    car-data samples it read."""
    app = create_app(settings)
    with serve_in_thread(app) as url:
        client = Client(url)
        client.post(WARM_DATASETS)
        services = app.state.services
        before = services.cache.backend._data.currsize
        fake.reset()
        body = orjson.loads(client.post(query))
        cached = services.cache.backend._data.currsize - before
        held = services.telemetry.stats()
        decoded = held["bytes"] + held["rangeBytes"]
    driver = body["data"]["session"]["driver"]
    series = driver["carData"] if "carData" in driver else driver["lap"]["carData"]
    return fake.counts["car_data"], cached, decoded, series["count"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = build_telemetry_dir(Path(tmp) / "openf1", generated_car_data())
        fake = make_fake_openf1(directory)
        fake_server = serve_in_thread(fake)
        fake_url = fake_server.__enter__()
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**6
        )
        race_requests, cached, decoded, samples = cold(fake, settings, WHOLE_RACE % "count")
        lap_requests, *_ = cold(fake, settings, ONE_LAP)
        app = create_app(settings)
        with serve_in_thread(app) as url:
            client = Client(url)
            client.post(WHOLE_RACE % CHANNELS)
            client.post(HUNDRED_K % CHANNELS)
            fake.reset()
            client.post(WHOLE_RACE % "count")
            warm_requests = sum(fake.counts.values())
            # The fake holds a race as a million Python dicts: stop it and let them go, so this
            # process's garbage collector does not time them (warm, f1graph calls no upstream).
            fake_server.__exit__(None, None, None)
            fake.source._files.clear()
            del fake
            gc.collect()
            race = paired(
                url,
                WHOLE_RACE % CHANNELS,
                40,
                lambda d: [d["data"]["session"]["driver"]["carData"]],
            )
            race_inside = in_process_ms(app.state.services, WHOLE_RACE % CHANNELS, 30)
            race_httpx = httpx_ms(url, WHOLE_RACE % CHANNELS, 30)
            race_gzip = median_of(lambda: Client(url, "gzip").post(WHOLE_RACE % CHANNELS), 20)
            big = paired(url, HUNDRED_K % CHANNELS, 20, lambda d: d["data"]["session"]["carData"])
            big_inside = in_process_ms(app.state.services, HUNDRED_K % CHANNELS, 15)
            big_gzip = median_of(lambda: Client(url, "gzip").post(HUNDRED_K % CHANNELS), 10)

    print("f1graph telemetry benchmark (race 9531, generated car data, loopback HTTP, warm)")
    for name, p, inside, gz in (
        ("one driver's whole race", race, race_inside, race_gzip),
        ("every car over 22 minutes", big, big_inside, big_gzip),
    ):
        report(f"{name}, all channels ({p.samples} samples), HTTP median", p.http_ms, "ms")
        report("  orjson.dumps of the same data (lists), median", p.floor_ms, "ms")
        report("  ratio HTTP / orjson lists, medians", p.http_ms / p.floor_ms, "x")
        report("  ratio HTTP / orjson lists, best runs", p.best_http_ms / p.best_floor_ms, "x")
        report("  orjson.dumps of the same columns (numpy), median", p.numpy_floor_ms, "ms")
        report("  ratio HTTP / orjson numpy, medians", p.http_ms / p.numpy_floor_ms, "x")
        report("  in process: execute + encode, no HTTP, median", inside, "ms")
        report("  with Accept-Encoding: gzip (GZipMiddleware, level 1), median", gz, "ms")
    report("  one driver's whole race with httpx as the client, median", race_httpx, "ms")
    report(
        "cache bytes per 25,000 car-data samples (memory backend)", cached * 25_000 / samples, "B"
    )
    report(
        "in-process bytes per 25,000 samples (decoded windows + range)",
        decoded * 25_000 / samples,
        "B",
    )
    report("upstream car_data requests, one driver's whole race, cold", race_requests)
    report("upstream requests, the same again, warm", warm_requests)
    report("upstream car_data requests, one lap, cold", lap_requests)


if __name__ == "__main__":
    main()
