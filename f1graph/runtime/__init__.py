"""The running gateway, below the schema: the process's services, a request's context and
loaders, and the preload engine.

- :mod:`~f1graph.runtime.services`: :class:`Services`, everything a request may use that
  outlives it (source, cache, datasets, telemetry store, breaker), built once from settings.
- :mod:`~f1graph.runtime.loaders`: :class:`Loaders`, a request's DataLoaders (one per endpoint).
- :mod:`~f1graph.runtime.context`: :class:`Context`, what every resolver gets as ``info.context``.
- :mod:`~f1graph.runtime.preload`: :func:`preload_session`, every dataset of a session into the
  cache (``preloadSession``, the REST start-replay route, ``f1graph preload``).

Importing this package only defines names.
"""

from f1graph.runtime.context import Context, Info
from f1graph.runtime.loaders import Loaders
from f1graph.runtime.preload import DatasetLoad, PreloadReport, Progress, preload_session
from f1graph.runtime.services import Services, build_services

__all__ = [
    "Context",
    "DatasetLoad",
    "Info",
    "Loaders",
    "PreloadReport",
    "Progress",
    "Services",
    "build_services",
    "preload_session",
]
