"""The route table: every legacy route of the contract, answered by a stored operation.

A row names the route, the operation (``operations/*.graphql``), where ``data`` sits in the
result and how parameters become variables. Routes hold no logic of their own.
"""

from __future__ import annotations

from f1graph.compat.params import (
    BOOLEAN,
    CATEGORY,
    COMPOUND,
    DATETIME,
    DRIVER_LIST,
    FLAG,
    TEXT,
    WHOLE,
    Param,
)
from f1graph.compat.table import LegacyRoute

R = LegacyRoute
SESSION = Param(
    "sessionKey", "path", WHOLE, "sessionKey", "OpenF1's key of the session.", True, 11253
)
DRIVER = Param("driverNumber", "path", WHOLE, "driverNumber", "The car number.", True, 1)
BY_DRIVER = Param("driver_number", "query", WHOLE, "driverNumber", "Only this car number.")
BY_LAP = Param("lap_number", "query", WHOLE, "lapNumber", "Only this lap number.")
FROM = Param("from", "query", DATETIME, "from", "From this time (UTC), inclusive.")
TO = Param("to", "query", DATETIME, "to", "Until this time (UTC), inclusive.")
LAP = Param("lap", "query", WHOLE, "lap", "Only this lap of the driver.")
TELEMETRY = (LAP, FROM, TO)


SESSION_FILTERS = (
    Param("year", "query", WHOLE, "year", "The season."),
    Param("country_name", "query", TEXT, "countryName", "The country, e.g. Japan."),
    Param("session_name", "query", TEXT, "sessionName", "E.g. Race, Qualifying, Practice 1."),
    Param("session_type", "query", TEXT, "sessionType", "Race, Qualifying or Practice."),
    Param("meeting_key", "query", WHOLE, "meetingKey", "OpenF1's key of the meeting."),
    Param("circuit_short_name", "query", TEXT, "circuitShortName", "E.g. Suzuka."),
)
DRIVER_FILTERS = (
    Param("session_key", "query", WHOLE, "sessionKey", "Only this session."),
    Param("driver_number", "query", WHOLE, "driverNumber", "Only this car number."),
    Param("team_name", "query", TEXT, "teamName", "Only this team, e.g. Ferrari."),
    Param("name_acronym", "query", TEXT, "nameAcronym", "Only this driver, e.g. VER."),
)
AT = Param("time", "query", DATETIME, "at", "The instant (UTC).", True, "2026-03-29T06:00:00Z")
DRIVERS = Param(
    "drivers", "query", DRIVER_LIST, "driverNumbers", "Car numbers, e.g. 1,44.", True, "1,44"
)
CATEGORY_FILTER = Param("category", "query", CATEGORY, "category", "Only this category.")
FLAG_FILTER = Param("flag", "query", FLAG, "flag", "Only this flag.")
COMPOUND_FILTER = Param("compound", "query", COMPOUND, "compound", "Only this compound.")
S, SD = (SESSION,), (SESSION, DRIVER)

# fmt: off
ROUTES: tuple[LegacyRoute, ...] = (
    # Sessions
    R("GET", "/api/v1/sessions", "Sessions", "sessions",
      "Sessions, filtered (all filters ANDed).", SESSION_FILTERS, session_param=None),
    R("GET", "/api/v1/sessions/:sessionKey/drivers", "SessionDrivers", "session.drivers",
      "The drivers of a session.", S),
    R("POST", "/api/v1/sessions/:sessionKey/start-replay", "StartReplay", "preloadSession",
      "Load every dataset of the session into the cache (telemetry only with telemetry=true): "
      "rows, bytes and time per dataset, and the session's time span.",
      (SESSION, Param("telemetry", "query", BOOLEAN, "telemetry", "Also load car data."))),
    R("DELETE", "/api/v1/sessions/:sessionKey/cache", "EvictSession", "evictSession",
      "Drop every cached entry of the session; say how many.", S),
    # Drivers
    R("GET", "/api/v1/drivers", "Drivers", "drivers",
      "Drivers, filtered (all filters ANDed).", DRIVER_FILTERS, session_param="session_key"),
    R("GET", "/api/v1/drivers/:sessionKey", "SessionDriverList", "session.drivers",
      "The drivers of the session.", S),
    R("GET", "/api/v1/drivers/:sessionKey/:driverNumber", "Driver", "session.driver",
      "One driver (404 if not in the session).", SD),
    R("GET", "/api/v1/drivers/:sessionKey/:driverNumber/telemetry", "DriverTelemetry",
      "session.driver.carData", "The driver's car data; lap, from and to narrow it.",
      SD + TELEMETRY),
    R("GET", "/api/v1/drivers/:sessionKey/:driverNumber/laps", "DriverLaps",
      "session.driver.laps", "The driver's laps.", SD),
    R("GET", "/api/v1/drivers/:sessionKey/:driverNumber/performance", "DriverPerformance",
      "session.driver.performance", "Laps completed, best and mean lap, best sectors, top "
      "speed, pit stops, start and finish position, places gained.", SD),
    # Laps
    R("GET", "/api/v1/laps/:sessionKey", "Laps", "session.laps",
      "All laps; driver_number and lap_number filter.", (SESSION, BY_DRIVER, BY_LAP)),
    R("GET", "/api/v1/laps/:sessionKey/driver/:driverNumber", "LapsOfDriver",
      "session.driver.laps", "One driver's laps.", SD),
    R("GET", "/api/v1/laps/:sessionKey/fastest", "FastestLaps", "session",
      "The fastest lap of the session and each driver's fastest, ranked.", S),
    R("GET", "/api/v1/laps/:sessionKey/analysis", "LapAnalysis", "session.lapAnalysis",
      "Per driver: best, mean, median and deviation of clean laps, best sectors, "
      "theoretical best.", S),
    R("GET", "/api/v1/laps/:sessionKey/statistics", "LapStatistics", "session.lapStatistics",
      "Session totals: laps, fastest lap, best sectors and who set them, speed-trap maxima.",
      S),
    # Intervals
    R("GET", "/api/v1/intervals/:sessionKey", "Intervals", "session.intervals",
      "Interval rows; driver_number, from and to filter.", (SESSION, BY_DRIVER, FROM, TO)),
    R("GET", "/api/v1/intervals/:sessionKey/at-time", "Standings", "session.standings",
      "The running order at an instant: each driver's latest interval at or before it.",
      (SESSION, AT)),
    R("GET", "/api/v1/intervals/:sessionKey/gaps", "GapAnalysis", "session.gapAnalysis",
      "Per driver: smallest, largest and mean gap to the car ahead, final gap to the "
      "leader, time within one second.", S),
    R("GET", "/api/v1/intervals/:sessionKey/positions", "PositionChanges",
      "session.positionChanges", "Each driver's start, finish, places gained and every "
      "change.", S),
    R("GET", "/api/v1/intervals/:sessionKey/race-progress", "RaceProgress",
      "session.raceProgress", "Lap by lap: the leader and the order.", S),
    # Car data
    R("GET", "/api/v1/car-data/:sessionKey", "CarData", "session.carData",
      "Car data, narrowed by driver_number and/or a time window.",
      (SESSION, BY_DRIVER, FROM, TO), require_any=("driver_number", "from", "to")),
    R("GET", "/api/v1/car-data/:sessionKey/driver/:driverNumber", "CarDataOfDriver",
      "session.driver.carData", "One driver's car data; lap, from and to narrow it.",
      SD + TELEMETRY),
    R("GET", "/api/v1/car-data/:sessionKey/speed-analysis", "SpeedAnalysis",
      "session.speedAnalysis", "Per driver: top speed, mean speed, speed-trap figures.", S),
    R("GET", "/api/v1/car-data/:sessionKey/drs-analysis", "DrsAnalysis", "session.drsAnalysis",
      "Per driver: DRS openings, time and share of samples with DRS open.", S),
    R("GET", "/api/v1/car-data/:sessionKey/gear-analysis", "GearAnalysis",
      "session.gearAnalysis", "Per driver: share of time in each gear, gear changes, top "
      "and mean rpm.", S),
    R("GET", "/api/v1/car-data/:sessionKey/compare", "CompareDrivers", "session.compareDrivers",
      "Two or more drivers side by side, over the whole session or one lap.",
      (SESSION, DRIVERS, Param("lap", "query", WHOLE, "lap", "Only this lap."))),
    # Race control
    R("GET", "/api/v1/race-control/:sessionKey", "RaceControl", "session.raceControl",
      "Messages; category, flag, driver_number and lap_number filter.",
      (SESSION, CATEGORY_FILTER, FLAG_FILTER, BY_DRIVER, BY_LAP)),
    R("GET", "/api/v1/race-control/:sessionKey/flags", "Flags", "session.flags",
      "Flag messages, counted by flag, in order.", S),
    R("GET", "/api/v1/race-control/:sessionKey/safety-car", "SafetyCarPeriods",
      "session.safetyCarPeriods", "Safety-car and virtual-safety-car periods: start, end, "
      "laps, duration.", S),
    R("GET", "/api/v1/race-control/:sessionKey/incidents", "Incidents", "session.incidents",
      "Investigations, penalties, deleted lap times, notes on cars.", S),
    R("GET", "/api/v1/race-control/:sessionKey/timeline", "Timeline", "session.timeline",
      "One timeline: race control, pit stops, safety-car periods.", S),
    R("GET", "/api/v1/race-control/:sessionKey/statistics", "RaceControlStatistics",
      "session.raceControlStatistics", "Counts by category and flag, penalties, deleted "
      "laps, SC/VSC periods, red flags.", S),
    # Stints
    R("GET", "/api/v1/stints/:sessionKey", "Stints", "session.stints",
      "Stints; compound filters.", (SESSION, COMPOUND_FILTER)),
    R("GET", "/api/v1/stints/:sessionKey/driver/:driverNumber", "StintsOfDriver",
      "session.driver.stints", "One driver's stints.", SD),
    R("GET", "/api/v1/stints/:sessionKey/tire-strategy", "TyreStrategies", "session",
      "Per driver: compounds in order with lap ranges, stops, a label such as M-H-H; the "
      "most common strategies.", S),
    R("GET", "/api/v1/stints/:sessionKey/pit-stops", "PitStopAnalysis",
      "session.pitStopAnalysis", "Every stop with lap, lane and stationary time; fastest "
      "stops; per-team means.", S),
    R("GET", "/api/v1/stints/:sessionKey/tire-performance", "TyrePerformance",
      "session.tyrePerformance", "Per compound: laps run, best and mean clean lap, "
      "degradation.", S),
    R("GET", "/api/v1/stints/:sessionKey/wear-analysis", "WearAnalysis",
      "session.wearAnalysis", "Per stint: degradation in seconds per lap of tyre age, from "
      "clean laps.", S),
    # Health
    R("GET", "/api/v1/health", "Health", "health",
      "Service status, cache backend and its state, circuit breaker, uptime, version.",
      session_param=None),
    R("GET", "/api/v1/health/circuit-breaker", "CircuitBreaker", "circuitBreaker",
      "The breaker: state, failures, successes, requests, last failure, next retry.",
      session_param=None),
    R("POST", "/api/v1/health/circuit-breaker/reset", "ResetCircuitBreaker",
      "resetCircuitBreaker", "Close the circuit breaker by hand.", session_param=None),
)
# fmt: on
