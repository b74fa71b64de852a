"""How much telemetry one request may read: the rule that refuses a whole race of every car.

Series fields (``carData`` and ``location`` of a session, driver or lap) are counted per
request, before anything is fetched, by the time they cover:

- per endpoint, at most :data:`MAX_CAR_SESSIONS` (4) car-sessions: the sum over series of
  cars x covered seconds, divided by the session's telemetry span. Four cars' whole race
  passes; every car's whole race (about 20 car-sessions, through one field or through one
  field per driver or per lap) is refused with a ``TooBroadError`` (``BAD_REQUEST``) that says
  how to narrow it: by driver, by lap, or by a ``from``/``to`` window;
- in all, at most ``F1GRAPH_MAX_TELEMETRY_SAMPLES`` samples, estimated at 3.7 Hz per car.

Once one series is refused, the request fetches nothing more: series admitted before it in
the same batch are refused too, so a too-broad query costs no upstream requests.
``maxPoints`` does not lift the bound: it shrinks the answer, not what is read. Analyses
(``speedAnalysis``, ``drsAnalysis``, ``gearAnalysis``, ``compareDrivers``) are not counted:
they read what they need server side and answer with a few numbers.
"""

from __future__ import annotations

from collections import defaultdict

from f1graph.errors import TooBroadError
from f1graph.telemetry.windows import SAMPLE_RATE_HZ

MAX_CAR_SESSIONS = 4.0
_SLACK = 1e-9


class TelemetryBudget:
    """What one request's series fields have been allowed to read so far."""

    def __init__(self, max_samples: int) -> None:
        self.max_samples = max_samples
        self.samples = 0.0
        self.car_sessions: dict[str, float] = defaultdict(float)
        self.refusal: TooBroadError | None = None  # the first refusal, once there is one

    def admit(
        self, endpoint: str, session_key: int, cars: int, seconds: float, span_s: float
    ) -> None:
        """Count a series of ``cars`` cars over ``seconds`` of a session whose telemetry span
        is ``span_s`` long; raise ``TooBroadError`` when the request would read too much."""
        share = cars * seconds / span_s if span_s > 0 else 0.0
        samples = cars * seconds * SAMPLE_RATE_HZ
        if self.car_sessions[endpoint] + share > MAX_CAR_SESSIONS + _SLACK:
            minutes = MAX_CAR_SESSIONS * span_s / max(cars, 1) / 60
            self._refuse(
                f"This query reads {endpoint} of session {session_key} for "
                f"{self.car_sessions[endpoint] + share:.1f} cars' whole session; one query may "
                f"read at most {MAX_CAR_SESSIONS:g}. Narrow it by driver, by lap, or by a "
                f"from/to window (at most {minutes:.0f} minutes for {cars} cars)."
            )
        if self.samples + samples > self.max_samples:
            self._refuse(
                f"This query reads about {self.samples + samples:,.0f} telemetry samples; one "
                f"query may read at most {self.max_samples:,}. Narrow it by driver, by lap, "
                "or by a from/to window."
            )
        self.car_sessions[endpoint] += share
        self.samples += samples

    def _refuse(self, message: str) -> None:
        error = TooBroadError(message)
        if self.refusal is None:
            self.refusal = error
        raise error
