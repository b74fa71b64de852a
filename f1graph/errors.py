"""The error tree of f1graph.

Every failure a client can see is one of these, and each carries a stable ``code`` that
GraphQL puts in ``extensions.code`` and the REST shim puts in its error envelope::

    F1GraphError                      INTERNAL_SERVER_ERROR  500
    ├── ConfigError                   (start-up only: a bad F1GRAPH_* variable)
    ├── BadRequestError               BAD_REQUEST            400
    │   └── TooBroadError             BAD_REQUEST            400  (telemetry not narrowed)
    ├── NotFoundError                 NOT_FOUND              404
    ├── UnauthorizedError             UNAUTHORIZED           401
    ├── ForbiddenError                FORBIDDEN              403
    ├── ClientRateLimitError          RATE_LIMIT_EXCEEDED    429
    └── UpstreamError                 OPENF1_API_UNAVAILABLE 503
        ├── UpstreamUnavailableError  (5xx, timeouts, connection errors after retries)
        ├── UpstreamRateLimitedError  (429 / "Rate exceeded" after retries)
        ├── UpstreamLiveSessionError  (401: OpenF1 locks data while a session is live)
        ├── UpstreamBadResponseError  (an answer that is not the JSON OpenF1 promises)
        ├── CircuitOpenError          (the breaker is open; no call was made)
        └── SessionLoadingError       SESSION_LOADING 503  (over the request's or client's
                                      OpenF1 budget: loading in the background, retry later)

"No rows" is never an error: it is an empty list.
"""

from __future__ import annotations


class F1GraphError(Exception):
    """Base of every f1graph error."""

    code = "INTERNAL_SERVER_ERROR"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(F1GraphError):
    """A configuration variable has a value f1graph cannot use."""


class BadRequestError(F1GraphError):
    """The request names something malformed: a bad number, date, compound or category."""

    code = "BAD_REQUEST"
    status = 400


class TooBroadError(BadRequestError):
    """The request would pull more data than one answer may carry; narrow it."""


class NotFoundError(F1GraphError):
    """The session, meeting, driver or lap does not exist."""

    code = "NOT_FOUND"
    status = 404


class UnauthorizedError(F1GraphError):
    """An API key is required and missing."""

    code = "UNAUTHORIZED"
    status = 401


class ForbiddenError(F1GraphError):
    """The API key is not allowed this route."""

    code = "FORBIDDEN"
    status = 403


class ClientRateLimitError(F1GraphError):
    """This client sent too many requests."""

    code = "RATE_LIMIT_EXCEEDED"
    status = 429

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class UpstreamError(F1GraphError):
    """OpenF1 could not answer and nothing cached could serve."""

    code = "OPENF1_API_UNAVAILABLE"
    status = 503
    retry_after_s: float | None = None  # when to try again, if known (REST ``Retry-After``)


class UpstreamUnavailableError(UpstreamError):
    """OpenF1 kept failing (5xx, timeouts or connection errors) after every retry."""


class UpstreamRateLimitedError(UpstreamError):
    """OpenF1 kept answering 429 (rate exceeded) after every retry."""


class UpstreamLiveSessionError(UpstreamError):
    """OpenF1 answered 401, which it does for unauthenticated clients while a session is live."""


class UpstreamBadResponseError(UpstreamError):
    """OpenF1 answered with something that is not the JSON it documents."""


class CircuitOpenError(UpstreamError):
    """The circuit breaker is open after repeated failures; OpenF1 was not called."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class SessionLoadingError(UpstreamError):
    """The answer needs more OpenF1 requests than this request (or its client) may make now;
    the data is being loaded in the background. Retry after ``retry_after_s``."""

    code = "SESSION_LOADING"

    def __init__(self, message: str, retry_after_s: float = 10.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
