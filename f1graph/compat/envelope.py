"""The legacy JSON envelopes: ``{sessionKey, data, timestamp, ...metadata}`` and errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from f1graph.errors import (
    BadRequestError,
    ClientRateLimitError,
    F1GraphError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    UpstreamError,
)
from f1graph.schema.scalars import dumps_json

# extensions.code -> HTTP status, from the error tree
STATUS_BY_CODE: dict[str, int] = {
    cls.code: cls.status
    for cls in (
        F1GraphError,
        BadRequestError,
        NotFoundError,
        UnauthorizedError,
        ForbiddenError,
        ClientRateLimitError,
        UpstreamError,
    )
}
ERROR_BY_STATUS = {status: code for code, status in STATUS_BY_CODE.items()}
ERROR_BY_STATUS[405] = "METHOD_NOT_ALLOWED"  # a known path called with a method it lacks
INTERNAL_MESSAGE = "Internal server error."
RETRY_AFTER_S = 5  # seconds a client is told to wait after a 503


def now_iso() -> str:
    """The current UTC time as ``2026-11-26T14:00:00.000Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    # dumps_json: telemetry channels arrive as numpy arrays (array scalars)
    return Response(dumps_json(body), status, headers, media_type="application/json")


def success(
    session_key: int | None,
    data: Any,
    *,
    stale: bool,
    unavailable: list[dict[str, object]] | None = None,
) -> Response:
    """The success envelope; ``count`` for a list, ``stale`` when a stale cache entry served,
    ``unavailable`` (``[{sessionKey, dataset}]``) when a dataset OpenF1 always has for such a
    session had no rows, so what is derived from it is null (as ``extensions.unavailable``)."""
    body: dict[str, Any] = {"sessionKey": session_key, "data": data, "timestamp": now_iso()}
    if isinstance(data, list):
        body["count"] = len(data)
    if stale:
        body["stale"] = True
    if unavailable:
        body["unavailable"] = unavailable
    return _json(body, 200)


def failure(
    status: int, message: str, path: str, headers: dict[str, str] | None = None
) -> Response:
    """The error envelope for ``status``, with the contract's code for it; a 503 (OpenF1
    unavailable, the deadline passed) says when to try again."""
    code = ERROR_BY_STATUS.get(status, "INTERNAL_SERVER_ERROR")
    if status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_S), **(headers or {})}
    body = {
        "statusCode": status,
        "error": code,
        "message": message,
        "path": path,
        "timestamp": now_iso(),
    }
    return _json(body, status, headers)


def from_error(error: F1GraphError, path: str) -> Response:
    """The error envelope for an f1graph error; 429 carries ``Retry-After``."""
    headers = None
    retry_after_s = getattr(error, "retry_after_s", None)
    if isinstance(error, ClientRateLimitError | UpstreamError) and retry_after_s is not None:
        headers = {"Retry-After": str(max(1, round(retry_after_s)))}
    message = error.message if error.status != 500 else INTERNAL_MESSAGE
    return failure(error.status, message, path, headers)


def too_large(message: str, path: str) -> Response:
    """413 for a body past ``F1GRAPH_MAX_BODY_BYTES``, coded ``BAD_REQUEST``."""
    body = {
        "statusCode": 413,
        "error": "BAD_REQUEST",
        "message": message,
        "path": path,
        "timestamp": now_iso(),
    }
    return _json(body, 413)


def loading(message: str, path: str, retry_after_s: float, progress: object) -> Response:
    """503 ``SESSION_LOADING`` with ``Retry-After``: the data is being loaded in the
    background (``loading``: how far each load got)."""
    body = {
        "statusCode": 503,
        "error": "SESSION_LOADING",
        "message": message,
        "path": path,
        "timestamp": now_iso(),
        "retryAfter": round(retry_after_s),
        "loading": progress,
    }
    return _json(body, 503, {"Retry-After": str(max(1, round(retry_after_s)))})


def from_code(code: str | None, message: str, path: str, retry_after_s: object = None) -> Response:
    """The error envelope for a GraphQL error's ``extensions.code`` (and ``retryAfter``)."""
    status = STATUS_BY_CODE.get(code or "", 500)
    headers = None
    if status in (429, 503) and isinstance(retry_after_s, int | float):
        headers = {"Retry-After": str(max(1, round(retry_after_s)))}
    return failure(status, message if status != 500 else INTERNAL_MESSAGE, path, headers)
