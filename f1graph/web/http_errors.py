"""Strawberry's plain-text HTTP refusals, answered as coded GraphQL errors instead.

Strawberry answers a body it cannot read (not JSON, a JSON string or array where an object is
expected, ``variables`` that are not an object, no query, a subscription over plain HTTP, a
method it does not serve) with a bare text response, or, for a JSON value that is not an
object, with a 500. Every such refusal here becomes ``{"data": null, "errors": [{"message",
"extensions": {"code"}}]}`` with its 4xx status.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from f1graph.schema.scalars import dumps_json

CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
NOT_AN_OBJECT = (
    "The request body must be a JSON object such as "
    '{"query": "{ sessions { sessionKey } }", "variables": {}}.'
)


def coded_refusal(status: int, message: str) -> Response:
    """A GraphQL-shaped error answer with ``extensions.code`` for an HTTP-level refusal."""
    code = CODES.get(status, "BAD_REQUEST" if status < 500 else "INTERNAL_SERVER_ERROR")
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    headers = {"Allow": "GET, POST"} if status == 405 else None
    return Response(dumps_json(body), status, headers, media_type="application/json")


def check_request_data(data: Any) -> None:
    """Refuse (400) a parsed JSON body that is neither an object nor a list of objects, before
    Strawberry calls ``.get`` on it."""
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise HTTPException(400, NOT_AN_OBJECT)


async def http_refusal(request: Request, error: Exception) -> Response:
    """Starlette's own refusals (an unknown path, a method a route lacks), coded."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 404:
        message = f"There is nothing at {request.url.path}; GraphQL is at /graphql."
    elif error.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    else:
        message = str(error.detail)
    return coded_refusal(error.status_code, message)
