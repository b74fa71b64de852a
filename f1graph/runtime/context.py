"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from f1graph.data import SessionView
from f1graph.runtime.loaders import Loaders
from f1graph.runtime.services import Services


@dataclass
class Context:
    """Services of the process and the request's own loaders and session views."""

    services: Services
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
