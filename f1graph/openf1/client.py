"""The HTTP client of OpenF1: one ``httpx.AsyncClient`` per process.

Each try passes the circuit breaker, then the rate budget; failed tries are retried with
exponential back-off and jitter (tenacity) on what OpenF1 does in production: 429 or plain-text
``Rate exceeded``, 5xx with an HTML body, timeouts, dropped connections, a body that trickles
in slower than a try may take, and a 200 whose body is not a JSON array (garbage). ``[]`` and
404 ``{"detail": "No results found."}`` both mean no rows.

Every try is bounded as a whole (``try_timeout_s``, body included) and counts for the breaker
on its own, so a hanging OpenF1 opens the circuit after ``failure_threshold`` tries (five
tries of 8 s: about 40 s with the defaults), not after that many whole calls.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
import msgspec
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from f1graph.errors import (
    BadRequestError,
    UpstreamBadResponseError,
    UpstreamError,
    UpstreamLiveSessionError,
    UpstreamRateLimitedError,
    UpstreamUnavailableError,
)
from f1graph.observe import get_logger, metrics
from f1graph.openf1.auth import OpenF1Credentials
from f1graph.openf1.breaker import CircuitBreaker
from f1graph.openf1.endpoints import ENDPOINTS
from f1graph.openf1.filters import Filters, to_query_string
from f1graph.openf1.ratelimit import RateBudget

log = get_logger(__name__)

_JSON_ARRAY = msgspec.json.Decoder(list[msgspec.Raw])  # checks the syntax, skips the values


class _Transient(Exception):
    """A failure worth another try; carries the error to raise when tries run out."""

    def __init__(
        self, error: UpstreamError, retry_after_s: float | None = None, outcome: str = "failed"
    ) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after_s = retry_after_s
        self.outcome = outcome  # the metrics label: rate_limited, server_error, timeout...


class OpenF1Client:
    """A :class:`f1graph.openf1.Source` over OpenF1's REST API (or any compatible base URL)."""

    def __init__(
        self,
        base_url: str,
        *,
        budget: RateBudget,
        breaker: CircuitBreaker,
        retries: int = 4,
        connect_timeout_s: float = 5.0,
        read_timeout_s: float = 8.0,
        try_timeout_s: float | None = None,
        backoff_max_s: float = 4.0,
        credentials: OpenF1Credentials | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.budget = budget
        self.breaker = breaker
        self.retries = retries
        self.backoff_max_s = backoff_max_s
        self.try_timeout_s = read_timeout_s if try_timeout_s is None else try_timeout_s
        self.credentials = credentials
        self.requests: Counter[str] = Counter()  # upstream HTTP requests per endpoint
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(read_timeout_s, connect=connect_timeout_s),
            headers={"accept": "application/json", "user-agent": "f1graph"},
            transport=transport,
            follow_redirects=True,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        """Rows of ``endpoint`` matching ``filters`` as JSON bytes; see the module docstring."""
        if endpoint not in ENDPOINTS:
            raise BadRequestError(f"OpenF1 has no endpoint called {endpoint!r}.")
        url = f"{self.base_url}/{endpoint}"
        query = to_query_string(filters)
        try:
            async for attempt in AsyncRetrying(
                retry=retry_if_exception_type(_Transient),
                stop=stop_after_attempt(self.retries + 1),
                wait=self._wait,
                before_sleep=lambda state: _retrying(endpoint, state),
                reraise=True,
            ):
                with attempt:
                    body = await self._try(endpoint, url, query)
        except _Transient as exc:
            log.warning("upstream_failed", endpoint=endpoint, query=query, error=exc.error.message)
            raise exc.error from None
        except UpstreamError as exc:
            log.warning("upstream_failed", endpoint=endpoint, query=query, error=exc.message)
            raise
        return body

    async def _try(self, endpoint: str, url: str, query: str) -> bytes:
        """One try, through the breaker: each failed try counts, 401 (live session) aside."""
        self.breaker.before_call()
        try:
            body = await self._once(endpoint, url, query)
        except _Transient as exc:
            self.breaker.record_failure(exc.error.message)
            raise
        except UpstreamError as exc:
            if isinstance(exc, UpstreamLiveSessionError):
                self.breaker.record_abandoned()
            else:
                self.breaker.record_failure(exc.message)
            raise
        except BaseException:
            self.breaker.record_abandoned()  # e.g. cancelled: a held trial slot would wedge it
            raise
        self.breaker.record_success()
        return body

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_random_exponential(multiplier=0.25, max=self.backoff_max_s)(state)
        outcome = state.outcome
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, _Transient) and exc.retry_after_s is not None:
            return max(backoff, min(exc.retry_after_s, self.backoff_max_s))
        return backoff

    async def _once(self, endpoint: str, url: str, query: str) -> bytes:
        await self.budget.acquire()
        self.requests[endpoint] += 1
        full = f"{url}?{query}" if query else url
        started = time.perf_counter()
        outcome = "ok"
        try:
            try:
                async with asyncio.timeout(self.try_timeout_s):  # a slow body is bounded too
                    response = await self._get(full)
            except UpstreamUnavailableError as exc:  # the token endpoint failed: worth a retry
                raise _Transient(exc, outcome="unreachable") from None
            except (httpx.TimeoutException, TimeoutError):
                raise _Transient(
                    UpstreamUnavailableError(f"OpenF1 did not answer /{endpoint} in time."),
                    outcome="timeout",
                ) from None
            except httpx.RequestError as exc:  # transport errors, bad encodings, redirect loops
                raise _Transient(
                    UpstreamUnavailableError(
                        f"OpenF1 could not be reached for /{endpoint}: {exc}."
                    ),
                    outcome="unreachable",
                ) from None
            if response.status_code == 401 and self.credentials is not None:
                raise UpstreamLiveSessionError(
                    f"OpenF1 refused /{endpoint} (401) although f1graph sent the token of "
                    f"F1GRAPH_OPENF1_USERNAME={self.credentials.username!r}: the account may "
                    "not have live access."
                )
            return _classify(endpoint, response)
        except _Transient as exc:
            outcome = exc.outcome
            raise
        except UpstreamLiveSessionError:
            outcome = "live_session"
            raise
        except UpstreamError:
            outcome = "bad_response"
            raise
        finally:
            metrics.upstream_request(endpoint, outcome, time.perf_counter() - started)

    async def _get(self, url: str) -> httpx.Response:
        """GET with the bearer token when credentials are set; a refused token is exchanged
        for a new one and the request made once more."""
        if self.credentials is None:
            return await self._http.get(url)
        response = await self._http.get(url, headers=await self.credentials.headers(self._http))
        if response.status_code == 401:
            self.credentials.invalidate()
            response = await self._http.get(url, headers=await self.credentials.headers(self._http))
        return response


def _classify(endpoint: str, response: httpx.Response) -> bytes:
    status = response.status_code
    body = response.content
    if status == 200:
        if b"rate exceeded" in body[:200].lower():
            raise _Transient(_rate_limited(endpoint), _retry_after(response), "rate_limited")
        try:
            _JSON_ARRAY.decode(body)
        except msgspec.DecodeError:
            raise _Transient(
                UpstreamBadResponseError(
                    f"OpenF1 answered /{endpoint} with something that is not JSON rows."
                ),
                outcome="bad_response",
            ) from None
        return body
    if status == 404:
        return b"[]"  # OpenF1's {"detail": "No results found."}
    if status == 429 or b"rate exceeded" in body[:200].lower():
        raise _Transient(_rate_limited(endpoint), _retry_after(response), "rate_limited")
    if status == 401:
        raise UpstreamLiveSessionError(
            f"OpenF1 refused /{endpoint} (401): it restricts data while a session is live "
            "to authenticated clients. Try again after the session ends."
        )
    if status >= 500:
        raise _Transient(
            UpstreamUnavailableError(f"OpenF1 failed on /{endpoint} ({status})."),
            outcome="server_error",
        )
    detail = body[:200].decode(errors="replace")
    raise UpstreamBadResponseError(
        f"OpenF1 rejected the query for /{endpoint} ({status}): {detail}"
    )


def _retrying(endpoint: str, state: RetryCallState) -> None:
    """Count and log a retry (tenacity calls this before sleeping)."""
    metrics.upstream_retry(endpoint)
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    reason = exc.error.message if isinstance(exc, _Transient) else repr(exc)
    log.info(
        "upstream_retry",
        endpoint=endpoint,
        attempt=state.attempt_number,
        sleep_s=round(state.upcoming_sleep, 3),
        reason=reason,
    )


def _rate_limited(endpoint: str) -> UpstreamRateLimitedError:
    return UpstreamRateLimitedError(f"OpenF1 kept refusing /{endpoint} with 'rate exceeded'.")


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None
