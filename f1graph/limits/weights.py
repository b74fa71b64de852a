"""What a list field returns, and what it costs upstream: the figures of the cost model.

Sizes are those of a race, measured on the recorded 2026 Japanese Grand Prix (22 cars, 1,108
laps, 4,915 intervals, 445 positions, 51 stints, 29 pit stops, 218 overtakes, 49 race-control
messages, 156 weather samples); a narrowing argument divides them (``laps(driverNumber:)``
returns one car's laps). Telemetry is weighed by samples: about 3.7 a second per car, a session
taken as two hours unless ``from``/``to`` bound it.
"""

from __future__ import annotations

CARS = 22
LAPS = 1108
SESSION_S = 7200.0  # a race, with its formation lap and neutralisations
LAP_S = 95.0
SAMPLES_PER_S = 3.7
SAMPLES_PER_COST = 100  # telemetry series are array scalars: 100 samples cost one field

# ``Type.field``: items returned, for a race
LIST_SIZES: dict[str, int] = {
    "Query.meetings": 100,
    "Query.sessions": 400,
    "Query.drivers": CARS,
    "Meeting.sessions": 5,
    "Session.drivers": CARS,
    "Session.laps": LAPS,
    "Session.fastestLaps": CARS,
    "Session.stints": 51,
    "Session.pitStops": 29,
    "Session.positions": 445,
    "Session.intervals": 4915,
    "Session.raceControl": 49,
    "Session.weather": 156,
    "Session.result": CARS,
    "Session.startingGrid": CARS,
    "Session.overtakes": 218,
    "Session.teamRadio": 300,
    "Session.raceProgress": 53,
    "Session.timeline": 120,
    "Session.incidents": 40,
    "Session.carData": CARS,
    "Driver.laps": 53,
    "Driver.stints": 3,
    "Driver.pitStops": 2,
    "Driver.positions": 20,
    "Driver.intervals": 230,
    "Stint.laps": 20,
    "Lap.segments": 25,
    "LapProgress.order": CARS,
    "DriverPositions.changes": 20,
    "FlagSummary.messages": 49,
    "PreloadResult.datasets": 14,
    "__Schema.types": 160,
    "__Schema.directives": 8,
    "__Type.fields": 10,
    "__Type.inputFields": 3,
    "__Type.enumValues": 8,
    "__Type.interfaces": 1,
    "__Type.possibleTypes": 3,
    "__Field.args": 1,
    "__Directive.args": 2,
}
DEFAULT_LIST_SIZE = CARS  # any other list: one item per car

# ``Type.field`` -> {argument: divisor of the size when the argument is given}
NARROWING: dict[str, dict[str, int]] = {
    "Query.meetings": {"year": 4, "countryName": 50, "circuitShortName": 50},
    "Query.sessions": {
        "year": 4,
        "meetingKey": 80,
        "sessionName": 7,
        "sessionType": 5,
        "countryName": 50,
        "circuitShortName": 50,
    },
    "Query.drivers": {"driverNumber": CARS, "nameAcronym": CARS, "teamName": 11},
    "Session.laps": {"driverNumber": CARS, "lapNumber": 53},
    "Session.stints": {"compound": 3},
    "Session.intervals": {"driverNumber": CARS},
    "Session.raceControl": {"driverNumber": 10, "lapNumber": 10, "category": 3, "flag": 5},
    "Session.carData": {"driverNumber": CARS},
}

# fields whose value is a set of cars' telemetry: ``Type.field`` -> (endpoint, cars)
TELEMETRY: dict[str, tuple[str, int]] = {
    "Session.carData": ("car_data", 1),  # per item (a list: one item per car)
    "Session.speedAnalysis": ("car_data", CARS),
    "Session.drsAnalysis": ("car_data", CARS),
    "Session.gearAnalysis": ("car_data", CARS),
    "Session.compareDrivers": ("car_data", 0),  # cars: len(driverNumbers)
    "Driver.carData": ("car_data", 1),
    "Driver.location": ("location", 1),
    "Driver.speedAnalysis": ("car_data", 1),
    "Driver.drsAnalysis": ("car_data", 1),
    "Driver.gearAnalysis": ("car_data", 1),
    "Lap.carData": ("car_data", 1),
    "Lap.location": ("location", 1),
}

# the types whose fields read a session's datasets
SESSION_TYPES = frozenset({"Session", "Driver", "Lap", "Stint"})

# a field of those types that reads whole session datasets: field name -> OpenF1 endpoints
ENDPOINTS: dict[str, tuple[str, ...]] = {
    "drivers": ("drivers",),
    "driver": ("drivers",),
    "laps": ("laps",),
    "lap": ("laps",),
    "fastestLap": ("laps",),
    "fastestLaps": ("laps",),
    "lapStatistics": ("laps",),
    "lapAnalysis": ("laps",),
    "stints": ("stints",),
    "stint": ("stints",),
    "pitStops": ("pit",),
    "positions": ("position",),
    "intervals": ("intervals",),
    "standings": ("intervals", "position"),
    "gapAnalysis": ("intervals",),
    "positionChanges": ("position",),
    "raceProgress": ("laps", "position"),
    "raceControl": ("race_control",),
    "safetyCarPeriods": ("race_control", "laps"),
    "flags": ("race_control",),
    "incidents": ("race_control",),
    "timeline": ("race_control", "pit", "laps"),
    "raceControlStatistics": ("race_control",),
    "tyreStrategies": ("stints",),
    "commonStrategies": ("stints",),
    "pitStopAnalysis": ("pit", "drivers"),
    "tyrePerformance": ("stints", "laps"),
    "wearAnalysis": ("stints", "laps"),
    "performance": ("laps", "stints", "pit", "position", "session_result", "starting_grid"),
    "weather": ("weather",),
    "result": ("session_result",),
    "startingGrid": ("starting_grid",),
    "overtakes": ("overtakes",),
    "teamRadio": ("team_radio",),
    "segments": ("laps",),
}

# fields that produce sessions (a new scope of datasets): ``Type.field``
SESSION_FIELDS = frozenset(
    {"Query.session", "Query.latestSession", "Query.sessions", "Meeting.sessions"}
)
