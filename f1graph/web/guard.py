"""The door of ``/graphql``: the API key and the client rate, before Strawberry sees a byte.

Over HTTP a refused request gets a GraphQL-shaped body with ``extensions.code`` and the error's
status (401, 403, 429 with ``Retry-After``). The websocket is checked at ``connection_init``,
where the key may come in the payload instead of the upgrade's headers.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from f1graph.access import Identity, identity_of, key_from_params, remember_identity
from f1graph.access.scope import gate_of
from f1graph.errors import BadRequestError, ClientRateLimitError, F1GraphError
from f1graph.limits import body_message
from f1graph.schema.scalars import dumps_json


def error_response(error: F1GraphError, status: int | None = None) -> Response:
    """``{"data": null, "errors": [...]}`` with the error's code, status and retry delay."""
    headers: dict[str, str] = {}
    if isinstance(error, ClientRateLimitError):
        headers["Retry-After"] = str(max(1, round(error.retry_after_s)))
    if error.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    body = {
        "data": None,
        "errors": [{"message": error.message, "extensions": {"code": error.code}}],
    }
    code = status or error.status
    return Response(dumps_json(body), code, headers, media_type="application/json")


async def read_body(
    request: Request, limit: int, too_large: Response | None = None
) -> bytes | Response:
    """The body, read up to ``limit`` bytes, or a 413 refusal (sent before reading the rest
    when ``Content-Length`` already says it is too large); GraphQL-shaped unless given."""
    if too_large is None:
        too_large = error_response(BadRequestError(body_message(limit)), status=413)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _is_ide_page(request: Request) -> bool:
    # GraphiQL's page itself holds no data; the queries it sends are checked like any other
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


async def refusal(request: Request) -> Response | None:
    """None when the request may go on, else the answer refusing it."""
    gate = gate_of(request)
    if gate is None or _is_ide_page(request):
        return None
    try:
        await gate.admit(identity_of(request), request.url.path)
    except F1GraphError as error:
        return error_response(error)
    return None


async def admit_websocket(connection: HTTPConnection, params: dict[str, object] | None) -> Identity:
    """The identity of a websocket at ``connection_init``; raises the refusal's error."""
    identity = identity_of(connection)
    gate = gate_of(connection)
    if gate is None:
        return identity
    key = key_from_params(params)
    if key is not None:
        host = connection.client.host if connection.client else "-"
        identity = gate.identify(key, host)
        remember_identity(connection, identity)
    await gate.admit(identity, connection.url.path)
    return identity


def retry_after_of(response_data: object) -> int | None:
    """The longest ``extensions.retryAfter`` [s] among an answer's errors, if any says one."""
    answers = response_data if isinstance(response_data, list) else [response_data]
    delays = [
        int(error["extensions"]["retryAfter"])
        for answer in answers
        if isinstance(answer, dict)
        for error in answer.get("errors") or []
        if isinstance(error, dict) and (error.get("extensions") or {}).get("retryAfter")
    ]
    return max(delays) if delays else None
