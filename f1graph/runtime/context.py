"""The typed per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from dataclasses import dataclass, field

import strawberry

from f1graph.runtime.loaders import Loaders
from f1graph.runtime.services import Services


@dataclass
class Context:
    """Services of the process and the request's own loaders."""

    services: Services
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.services.datasets, self.services.settings.batch_max_sessions)


Info = strawberry.Info[Context, None]
