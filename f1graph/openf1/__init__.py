"""The upstream boundary: OpenF1's endpoints, typed records, filters and sources."""

from f1graph.openf1.coverage import ALWAYS_HAS, always_has
from f1graph.openf1.endpoints import ENDPOINTS, SESSION_DATASETS, Endpoint, endpoint
from f1graph.openf1.filters import Filter, Filters, eq, where
from f1graph.openf1.source import Source

__all__ = [
    "ALWAYS_HAS",
    "ENDPOINTS",
    "SESSION_DATASETS",
    "Endpoint",
    "Filter",
    "Filters",
    "Source",
    "always_has",
    "endpoint",
    "eq",
    "where",
]
