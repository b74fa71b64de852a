"""The bounds of the ``/graphql`` websocket beyond its ``connection_init`` (:mod:`.guard`).

- **Each operation is a request**: every ``subscribe`` (graphql-transport-ws) or ``start``
  (graphql-ws) is counted against its client's rate (``F1GRAPH_CLIENT_RATE_PER_MINUTE``) by the
  gate an HTTP request passes, as the identity the connection proved at ``connection_init``;
  over it the operation is refused with the protocol's ``error`` message, coded
  ``RATE_LIMIT_EXCEEDED`` with ``retryAfter`` (the protocol handlers, :mod:`.ws_errors`, ask
  :func:`operation_refusal`). The query limits are the operation's own
  (:func:`f1graph.limits.admit`).
- **Messages are capped** at ``F1GRAPH_MAX_BODY_BYTES``, as an HTTP body is: a bigger one
  closes the socket with 1009 (message too big) before anything decodes it
  (:class:`MessageCap`, around the websocket route).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLFormattedError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from f1graph.errors import F1GraphError
from f1graph.limits import refusal

MESSAGE_TOO_BIG = 1009
_REASON_BYTES = 123  # what a close frame has room for


async def operation_refusal(context: Any) -> GraphQLFormattedError | None:
    """``None`` when the connection's client may run one more operation, else the formatted
    error refusing it (its code, and ``retryAfter`` [s])."""
    services = getattr(context, "services", None)
    gate = getattr(services, "gate", None)
    identity = getattr(context, "identity", None)
    if gate is None or identity is None:
        return None
    connection = getattr(context, "connection", None)
    path = connection.url.path if connection is not None else "/graphql"
    try:
        await gate.admit(identity, path)
    except F1GraphError as error:
        return refusal(error).formatted
    return None


def too_big_reason(limit: int) -> str:
    """The close reason of a message over ``limit`` bytes, coded as protocol errors are."""
    reason = f"BAD_REQUEST: a message may be at most {limit:,} bytes (F1GRAPH_MAX_BODY_BYTES)"
    return reason.encode()[:_REASON_BYTES].decode(errors="ignore")


def _size_over(message: Message, limit: int) -> bool:
    data = message.get("bytes")
    if data is not None:
        return len(data) > limit
    text = message.get("text") or ""
    if len(text) > limit:  # a character is at least one byte of UTF-8...
        return True
    if 4 * len(text) <= limit:  # ...and at most four
        return False
    return len(text.encode()) > limit


class MessageCap:
    """ASGI wrapper of a websocket endpoint: a message over ``max_bytes`` closes the socket
    with 1009; the endpoint then sees the client gone, and what it still sends is dropped."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        closed = False
        gone: Message = {"type": "websocket.disconnect", "code": MESSAGE_TOO_BIG}

        async def capped_receive() -> Message:
            nonlocal closed
            if closed:
                return gone
            message = await receive()
            if message["type"] == "websocket.receive" and _size_over(message, self.max_bytes):
                closed = True
                reason = too_big_reason(self.max_bytes)
                await send({"type": "websocket.close", "code": MESSAGE_TOO_BIG, "reason": reason})
                return gone
            return message

        async def guarded_send(message: Message) -> None:
            if not closed:
                await send(message)

        await self.app(scope, capped_receive, guarded_send)
