"""A circuit breaker in front of OpenF1: closed, open, half-open.

It opens after ``failure_threshold`` consecutive failed calls and lets one trial call through
once ``reset_timeout_s`` has passed (half-open); that call closes it again or re-opens it.
Hand-written because it is small and must expose its counters to the health routes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from f1graph.errors import CircuitOpenError
from f1graph.observe import get_logger, metrics

log = get_logger(__name__)


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class BreakerStatus:
    """A snapshot of the breaker for health reports."""

    state: BreakerState
    consecutive_failures: int
    failures: int
    successes: int
    requests: int
    rejected: int
    last_failure: datetime | None
    last_failure_reason: str | None
    next_retry: datetime | None


class CircuitBreaker:
    """Guards calls to OpenF1; ``before_call`` raises :class:`CircuitOpenError` while open."""

    def __init__(self, failure_threshold: int = 5, reset_timeout_s: float = 30.0) -> None:
        self.failure_threshold = failure_threshold
        self.reset_timeout_s = reset_timeout_s
        self._state = BreakerState.CLOSED
        self._consecutive = 0
        self._failures = 0
        self._successes = 0
        self._requests = 0
        self._rejected = 0
        self._opened_at = 0.0
        self._last_failure: datetime | None = None
        self._last_reason: str | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and time.monotonic() - self._opened_at >= self.reset_timeout_s
        ):
            return BreakerState.HALF_OPEN
        return self._state

    def before_call(self) -> None:
        """Admit a call or raise; in half-open, admit one trial call at a time."""
        state = self.state
        if state is BreakerState.OPEN or (
            state is BreakerState.HALF_OPEN and self._trial_in_flight
        ):
            self._rejected += 1
            wait = max(0.0, self.reset_timeout_s - (time.monotonic() - self._opened_at))
            raise CircuitOpenError(
                f"OpenF1 failed {self._consecutive} times in a row; the circuit is open and "
                f"the next try is in {wait:.0f} s.",
                retry_after_s=max(1.0, wait),
            )
        if state is BreakerState.HALF_OPEN:
            self._trial_in_flight = True
            log_transition(BreakerState.OPEN, state, "reset timeout passed: one trial call")
        self._requests += 1

    def record_success(self) -> None:
        self._successes += 1
        self._consecutive = 0
        self._trial_in_flight = False
        if self._state is not BreakerState.CLOSED:
            log_transition(self.state, BreakerState.CLOSED, "a call succeeded")
        self._state = BreakerState.CLOSED

    def record_failure(self, reason: str) -> None:
        self._failures += 1
        self._consecutive += 1
        self._last_failure = datetime.now(UTC)
        self._last_reason = reason
        was_trial = self._trial_in_flight
        self._trial_in_flight = False
        if was_trial or self._consecutive >= self.failure_threshold:
            if self._state is not BreakerState.OPEN or was_trial:
                log_transition(self.state, BreakerState.OPEN, reason)
            self._state = BreakerState.OPEN
            self._opened_at = time.monotonic()

    def record_abandoned(self) -> None:
        """A call ended with neither an answer nor a failure of OpenF1 (it was cancelled):
        count nothing, but free the half-open trial slot so the next call can be the trial."""
        self._trial_in_flight = False

    def reset(self) -> None:
        """Close the breaker by hand (counters of past calls are kept)."""
        if self.state is not BreakerState.CLOSED:
            log_transition(self.state, BreakerState.CLOSED, "reset by hand")
        self._state = BreakerState.CLOSED
        self._consecutive = 0
        self._trial_in_flight = False

    def status(self) -> BreakerStatus:
        state = self.state
        next_retry = None
        if state is BreakerState.OPEN:
            remaining = self.reset_timeout_s - (time.monotonic() - self._opened_at)
            next_retry = datetime.fromtimestamp(time.time() + remaining, UTC)
        return BreakerStatus(
            state=state,
            consecutive_failures=self._consecutive,
            failures=self._failures,
            successes=self._successes,
            requests=self._requests,
            rejected=self._rejected,
            last_failure=self._last_failure,
            last_failure_reason=self._last_reason,
            next_retry=next_retry,
        )


def log_transition(old: BreakerState, new: BreakerState, reason: str) -> None:
    """Log and count a change of state (the ``breaker_transition`` event)."""
    metrics.breaker_transition(new.value)
    log.warning("breaker_transition", old=old.value, new=new.value, reason=reason)
