"""Structured logs (structlog): readable text by default, one JSON object a line on request.

:func:`configure_logging` routes the standard library's records (uvicorn's, httpx's) through the
same renderer, so every line of a process has one format. Context bound with
:func:`bind_request` (the request id) is added to every line logged while that request runs,
including the upstream and cache events it causes.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from structlog.contextvars import bind_contextvars, clear_contextvars, merge_contextvars
from structlog.typing import Processor

LOG_FORMATS = ("text", "json")
_HANDLER_NAME = "f1graph"

SHARED: list[Processor] = [
    merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _drop_color_message(_logger: Any, _name: str, event: Any) -> Any:
    """Drop uvicorn's ``color_message`` extra: its own line again, with terminal colour codes."""
    event.pop("color_message", None)
    return event


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Send every log line of the process to stderr as ``fmt`` (``text`` or ``json``).

    Idempotent: calling it again (each app of a test run does) replaces f1graph's handler.
    """
    if fmt not in LOG_FORMATS:
        raise ValueError(f"unknown log format {fmt!r}: expected text or json")
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0)
    )
    structlog.configure(
        processors=[
            *SHARED,
            structlog.processors.format_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*SHARED, structlog.stdlib.ExtraAdder(), _drop_color_message],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()  # uvicorn's own config would print twice
        logging.getLogger(name).propagate = True
    access = logging.getLogger("uvicorn.access")  # f1graph logs its own `request` line
    access.handlers.clear()
    access.propagate = False
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # upstream requests have own events


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test runners swap it per test)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def get_logger(name: str) -> Any:
    """A structlog logger named ``name`` (a module's ``__name__``)."""
    return structlog.stdlib.get_logger(name)


def bind_request(**values: Any) -> None:
    """Start a request's log context (replacing the previous one on this task)."""
    clear_contextvars()
    bind_contextvars(**values)
