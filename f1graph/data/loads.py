"""What preloading one dataset gave, and the progress callback that reports it.

Shared by the preload engine (:mod:`f1graph.runtime.preload`) and the telemetry preload
(:mod:`f1graph.telemetry.preload`), which sits below it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetLoad:
    """What preloading one dataset gave."""

    endpoint: str
    rows: int
    bytes: int
    duration_s: float
    error: str | None = None


# (dataset name, rows, bytes, seconds, error) after each dataset; for progress bars and logs
Progress = Callable[[DatasetLoad], None]
