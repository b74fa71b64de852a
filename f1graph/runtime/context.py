"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import HTTPConnection

from f1graph.access import OPEN, Identity
from f1graph.data import SessionView
from f1graph.runtime.loaders import Loaders
from f1graph.runtime.services import Services


@dataclass
class Context:
    """Services of the process, who is asking, and the request's own loaders and session views.

    ``connection``: the HTTP request or websocket served (None in-process: CLI, tests).
    ``connection_params``: a websocket's ``connection_init`` payload (Strawberry sets it).
    """

    services: Services
    identity: Identity = OPEN
    connection: HTTPConnection | None = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    _sessions: dict[int, SessionView] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services.datasets, self.services.settings.batch_max_sessions)

    def session(self, session_key: int) -> SessionView:
        """The request's view of one session: its datasets, loaded once per request, and its
        analyses, memoised once per dataset version (the rule: :mod:`f1graph.data.session`)."""
        view = self._sessions.get(session_key)
        if view is None:
            view = SessionView(session_key, self.loaders, self.services.derived)
            self._sessions[session_key] = view
        return view


Info = strawberry.Info[Context, None]
