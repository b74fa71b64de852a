"""The ``/graphql`` websocket endpoint: the GraphQL view, sending text frames.

graphql-transport-ws and graphql-ws messages are JSON text; the HTTP view encodes to bytes
(orjson), which Strawberry would send as binary frames, and browser clients (``JSON.parse`` of
a ``Blob``) cannot read those.
"""

from __future__ import annotations

from json import JSONDecodeError

from f1graph.web.graphql_view import GraphQLView
from f1graph.web.replay_stream import FanOutGraphQLWSHandler, FanOutTransportWSHandler
from f1graph.web.ws_errors import not_json


class SubscriptionView(GraphQLView):
    """Subscriptions over graphql-transport-ws and graphql-ws, one text frame per message;
    replay subscriptions are fanned out on both (:mod:`.replay_stream`)."""

    graphql_transport_ws_handler_class = FanOutTransportWSHandler
    graphql_ws_handler_class = FanOutGraphQLWSHandler

    def encode_json(self, data: object) -> str:  # type: ignore[override]  # str: text frames
        return super().encode_json(data).decode()

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except JSONDecodeError:  # answered as a protocol error, with its code (ws_errors)
            return not_json()
