"""Issue 3 figures: every analysis of one race in one query, warm, and its upstream requests.

Run: ``make bench`` or ``.venv/bin/python -m bench.analyses``. Serves a fake OpenF1 (recorded
data) and f1graph with uvicorn on loopback, posts the query over HTTP.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx

from bench.common import report
from f1graph.settings import Settings
from f1graph.web import create_app
from tests.data import DATA_DIR
from tests.fake_openf1 import make_fake_openf1
from tests.servers import serve_in_thread

SESSION = 11253
ALL_ANALYSES = """{ session(sessionKey: %d) {
  fastestLap { driverNumber lapNumber lapDuration }
  fastestLaps { driverNumber lapNumber lapDuration }
  lapStatistics { totalLaps timedLaps fastestLap { lapDuration } cleanLapCount meanCleanLap
    bestSector1 { duration driverNumber lapNumber } bestSector2 { duration driverNumber lapNumber }
    bestSector3 { duration driverNumber lapNumber } maxI1Speed { speed driverNumber lapNumber }
    maxI2Speed { speed driverNumber lapNumber } maxStSpeed { speed driverNumber lapNumber } }
  lapAnalysis { driverNumber lapCount cleanLapCount best mean median stdev
    bestSector1 bestSector2 bestSector3 theoreticalBest }
  standings(at: "2026-03-29T05:40:00Z") { position driverNumber interval { seconds lapsBehind }
    gapToLeader { seconds lapsBehind } }
  gapAnalysis { driverNumber minInterval maxInterval meanInterval timeWithin1s
    finalGapToLeader { seconds lapsBehind text } }
  positionChanges { driverNumber startPosition finishPosition placesGained
    changes { date fromPosition toPosition } }
  raceProgress { lapNumber leaderDriverNumber order { position driverNumber } }
  safetyCarPeriods { kind deployed ended firstLap lastLap duration }
  flags { counts { flag count } messages { date flag message } }
  incidents { date kind driverNumbers message }
  timeline { date kind lapNumber driverNumber message duration }
  raceControlStatistics { messageCount byCategory { category count } byFlag { flag count }
    penalties investigations deletedLaps safetyCarPeriods virtualSafetyCarPeriods redFlags }
  tyreStrategies { driverNumber label stops stints { compound lapStart lapEnd lapCount } }
  commonStrategies { label count }
  pitStopAnalysis { stops { driverNumber lapNumber laneDuration stopDuration }
    fastest { driverNumber laneDuration } teams { teamName meanLaneDuration } }
  tyrePerformance { compound lapsRun bestCleanLap meanCleanLap meanDegradation }
  wearAnalysis { driverNumber stintNumber compound degradation }
  drivers { driverNumber fastestLap { lapNumber lapDuration } lapAnalysis { best mean }
    performance { lapsCompleted bestLap meanLap bestSector1 bestSector2 bestSector3 topSpeed
      pitStops startPosition finishPosition placesGained dnf dns dsq }
    stints { stintNumber lapCount degradation } }
} }"""
PER_LAP = """{ session(sessionKey: %d) { drivers { laps { lapNumber isPitInLap isClean
  isPersonalBest tyreAge compound trackStatus } } } }"""


async def timed(url: str, query: str, runs: int) -> tuple[float, dict[str, object]]:
    async with httpx.AsyncClient(timeout=60) as client:
        times, body = [], {}
        for _ in range(runs):
            started = time.perf_counter()
            response = await client.post(f"{url}/graphql", json={"query": query})
            times.append((time.perf_counter() - started) * 1000)
            body = response.json()
    assert "errors" not in body, body
    return statistics.median(times), body


def main() -> None:
    fake = make_fake_openf1(DATA_DIR)
    with serve_in_thread(fake) as fake_url:
        settings = Settings(
            openf1_url=f"{fake_url}/v1", rate_per_second=1000, rate_per_minute=10**5
        )
        with serve_in_thread(create_app(settings)) as url:
            asyncio.run(timed(url, ALL_ANALYSES % SESSION, 1))
            cold_counts = dict(fake.counts)
            fake.reset()
            median, _ = asyncio.run(timed(url, ALL_ANALYSES % SESSION, 30))
            warm_calls = sum(fake.counts.values())
            per_lap, _ = asyncio.run(timed(url, PER_LAP % SESSION, 10))
    print(f"f1graph analyses benchmark (session {SESSION}, recorded data, loopback HTTP)")
    report("upstream requests, all analyses, cold", sum(cold_counts.values()))
    print(f"{'':4}per endpoint: {cold_counts}")
    report("upstream requests, all analyses, warm (30 runs)", warm_calls)
    report("all session and driver analyses in one query, warm, median", median, "ms")
    report("per-lap analysis fields of every lap (1108 laps), warm, median", per_lap, "ms")


if __name__ == "__main__":
    main()
