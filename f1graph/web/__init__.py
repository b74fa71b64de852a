"""The HTTP and websocket face of the gateway: the Starlette app and its views.

- :mod:`~f1graph.web.app`: :func:`create_app`, routes, middleware, the lifespan owning services.
- :mod:`~f1graph.web.graphql_view`: ``/graphql`` over HTTP (orjson, GraphiQL in a browser).
- :mod:`~f1graph.web.websocket`: ``/graphql`` over websockets (subscriptions, text frames).
- :mod:`~f1graph.web.replay_page`: ``/replay``, the self-contained replay page (``static/``).
- :mod:`~f1graph.web.middleware`: the request deadline, security headers, relative redirects.
- :mod:`~f1graph.web.http_errors`: Strawberry's HTTP refusals as coded GraphQL errors.
- :mod:`~f1graph.web.serving`: uvicorn's options (proxies trusted only when configured).

Importing this package only defines names.
"""

from f1graph.web.app import create_app
from f1graph.web.graphql_view import GraphQLView
from f1graph.web.replay_page import replay_page
from f1graph.web.serving import server_options
from f1graph.web.websocket import SubscriptionView

__all__ = ["GraphQLView", "SubscriptionView", "create_app", "replay_page", "server_options"]
