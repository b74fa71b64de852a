"""The shim says what the data cannot tell: null and ``unavailable`` in the envelope (issue 12)."""

from __future__ import annotations

import httpx

from tests.data import raw_rows

OLD_RACE = 9539  # Barcelona 2024: laps, stints and weather only


async def test_performance_without_pit_rows_is_null_and_the_envelope_says_why(
    app_url: str,
) -> None:
    number = raw_rows(OLD_RACE, "laps")[0]["driver_number"]
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        response = await client.get(f"/api/v1/drivers/{OLD_RACE}/{number}/performance")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["pitStops"] is None
    assert {"sessionKey": OLD_RACE, "dataset": "pit"} in body["unavailable"]


async def test_safety_car_route_without_race_control_is_null_not_empty(app_url: str) -> None:
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        response = await client.get(f"/api/v1/race-control/{OLD_RACE}/safety-car")
        whole = await client.get("/api/v1/race-control/11253/safety-car")
    body = response.json()
    assert response.status_code == 200 and body["data"] is None and "count" not in body
    assert body["unavailable"] == [{"sessionKey": OLD_RACE, "dataset": "race_control"}]
    assert whole.json()["count"] == 1 and "unavailable" not in whole.json()


async def test_a_driver_without_driver_rows_is_served_with_his_number(app_url: str) -> None:
    number = raw_rows(OLD_RACE, "laps")[0]["driver_number"]
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        response = await client.get(f"/api/v1/drivers/{OLD_RACE}/{number}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"]["driverNumber"] == number and body["data"]["nameAcronym"] is None
    assert body["unavailable"] == [{"sessionKey": OLD_RACE, "dataset": "drivers"}]


async def test_graphql_over_http_lists_the_unavailable_datasets(app_url: str) -> None:
    query = (
        "query($k: Int!) { session(sessionKey: $k) { safetyCarPeriods { kind }"
        " laps(driverNumber: 1) { trackStatus } performance { pitStops } } }"
    )
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        response = await client.post(
            "/graphql", json={"query": query, "variables": {"k": OLD_RACE}}
        )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    session = body["data"]["session"]
    assert session["safetyCarPeriods"] is None
    assert {lap["trackStatus"] for lap in session["laps"]} == {None}
    assert {p["pitStops"] for p in session["performance"]} == {None}
    assert body["extensions"]["unavailable"] == [
        {"sessionKey": OLD_RACE, "dataset": e} for e in ("pit", "position", "race_control")
    ]


async def test_clean_lap_routes_without_pit_or_race_control_are_null(app_url: str) -> None:
    async with httpx.AsyncClient(base_url=app_url, timeout=120) as client:
        analysis = await client.get(f"/api/v1/laps/{OLD_RACE}/analysis")
        statistics = await client.get(f"/api/v1/laps/{OLD_RACE}/statistics")
        wear = await client.get(f"/api/v1/stints/{OLD_RACE}/wear-analysis")
    missing = [{"sessionKey": OLD_RACE, "dataset": e} for e in ("pit", "race_control")]
    for response in (analysis, statistics, wear):
        assert response.status_code == 200, response.text
        assert response.json()["unavailable"] == missing
    rows = analysis.json()["data"]
    assert len(rows) == len({r["driver_number"] for r in raw_rows(OLD_RACE, "laps")})
    assert {(r["cleanLapCount"], r["best"], r["mean"]) for r in rows} == {(None, None, None)}
    totals = statistics.json()["data"]
    assert (totals["cleanLapCount"], totals["meanCleanLap"]) == (None, None)
    assert totals["totalLaps"] == len(raw_rows(OLD_RACE, "laps"))
    assert {w["degradation"] for w in wear.json()["data"]} == {None}
