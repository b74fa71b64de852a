"""Observing the gateway: Prometheus metrics and structured logs, usable from every layer.

- :mod:`~f1graph.observe.metrics`: the metrics and one function per event worth counting
  (``metrics.cache_lookup("response", hit=True)``); multi-process safe.
- :mod:`~f1graph.observe.logs`: structlog set-up (text or JSON), loggers, the request context.

This package imports nothing of f1graph, so every layer may import it. Importing it only
defines names (and the metrics, which is how prometheus-client registers them).
"""

from f1graph.observe import metrics
from f1graph.observe.logs import bind_request, configure_logging, get_logger

__all__ = ["bind_request", "configure_logging", "get_logger", "metrics"]
