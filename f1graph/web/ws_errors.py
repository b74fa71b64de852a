"""Websocket protocol errors with a code.

graphql-transport-ws answers a malformed message (not JSON, no type, an unknown type) by closing
the socket with 4400, as its specification requires; the close reason here starts with the
code (``BAD_REQUEST: Unknown message type: bogus``), since a close frame has no room for
``extensions``. The older graphql-ws protocol ignored such messages silently; here it answers
``{"type": "error", "payload": {"message", "extensions": {"code": "BAD_REQUEST"}}}`` (with the
message's ``id`` when it had one) and carries on.

Both count each operation against the client's rate before starting it, and refuse one over it
with their ``error`` message (:func:`f1graph.web.ws_bounds.operation_refusal`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

from f1graph.web.ws_bounds import operation_refusal

KNOWN_GRAPHQL_WS = {"connection_init", "connection_terminate", "start", "stop"}
# what a frame that is not JSON decodes to (SubscriptionView.decode_json), so both protocols
# see it instead of Strawberry's graphql-ws handler skipping it in silence
NOT_JSON = "(not JSON)"
UNKNOWN_TYPE = "Unknown message type: "


def not_json() -> dict[str, str]:
    return {"type": NOT_JSON}


class CodedTransportWSHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, with the code in the reason of a protocol-error close."""

    async def handle_invalid_message(self, error_message: str) -> None:
        if error_message == UNKNOWN_TYPE + NOT_JSON:
            error_message = "WebSocket message must be valid JSON"
        await super().handle_invalid_message(f"BAD_REQUEST: {error_message}")

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged:  # else Strawberry closes the socket (4401)
            refused = await operation_refusal(self.context)
            if refused is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refused]}
                )
                return
        await super().handle_subscribe(message)


class CodedGraphQLWSHandler(BaseGraphQLWSHandler[Any, Any]):
    """graphql-ws, answering a malformed message with a coded error instead of silence."""

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict):
            await self._refuse(None, "A graphql-ws message must be a JSON object.")
            return
        kind = message.get("type")
        if kind == NOT_JSON:
            await self._refuse(None, "A graphql-ws message must be JSON.")
            return
        if kind not in KNOWN_GRAPHQL_WS:
            await self._refuse(message.get("id"), f"Unknown graphql-ws message type: {kind!r}.")
            return
        if kind == "start" and not isinstance(message.get("payload"), dict):
            await self._refuse(message.get("id"), "A start message needs a payload object.")
            return
        if kind == "start" and self.connection_acknowledged:
            refused = await operation_refusal(self.context)
            if refused is not None:
                await self._send_error(message.get("id"), refused)
                return
        await super().handle_message(message)  # type: ignore[arg-type]

    async def _refuse(self, operation_id: Any, text: str) -> None:
        await self._send_error(
            operation_id, {"message": text, "extensions": {"code": "BAD_REQUEST"}}
        )

    async def _send_error(self, operation_id: Any, payload: Mapping[str, Any]) -> None:
        error: dict[str, Any] = {"type": "error", "payload": payload}
        if isinstance(operation_id, str):
            error["id"] = operation_id
        await self.send_message(error)  # type: ignore[arg-type]
