"""Query limits, checked before anything runs, and the cost model behind them.

- :mod:`~f1graph.limits.weights`: what list fields return and what they ask of OpenF1.
- :mod:`~f1graph.limits.cost`: :func:`estimate`, an operation's :class:`Cost` (fields, OpenF1
  requests when cold, depth, aliases, longest list argument) from its document and variables.
- :mod:`~f1graph.limits.checks`: the limits (``F1GRAPH_MAX_*``), each refusal naming its own.
- :mod:`~f1graph.limits.admission`: :func:`admit`, the one check of an operation (its cost
  within the limits, then charged to the client's cost per minute), and :func:`parse_within`
  (the token limit), whatever carries the operation.
- :mod:`~f1graph.limits.extension`: :class:`QueryLimits`, the Strawberry extension applying
  :func:`admit` to every operation Strawberry runs, with ``extensions.cost`` and a log line.

Importing this package only defines names.
"""

from f1graph.limits.admission import admit, parse_within, refusal
from f1graph.limits.checks import LimitError, body_message, check
from f1graph.limits.cost import Cost, estimate
from f1graph.limits.extension import QueryLimits

__all__ = [
    "Cost",
    "LimitError",
    "QueryLimits",
    "admit",
    "body_message",
    "check",
    "estimate",
    "parse_within",
    "refusal",
]
