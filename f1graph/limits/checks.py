"""The limits an operation's :class:`~f1graph.limits.cost.Cost` must keep, each named."""

from __future__ import annotations

from f1graph.errors import BadRequestError
from f1graph.limits.cost import Cost
from f1graph.settings import Settings


class LimitError(BadRequestError):
    """A query past one of the limits; the message names the limit and its variable."""


def check(cost: Cost, settings: Settings) -> None:
    """Raise :class:`LimitError` for the first limit ``cost`` goes past."""
    s = settings
    if cost.depth > s.max_depth:
        raise LimitError(
            f"The query is {cost.depth} fields deep; at most {s.max_depth} are allowed "
            "(F1GRAPH_MAX_DEPTH)."
        )
    if cost.aliases > s.max_aliases:
        raise LimitError(
            f"The query has {cost.aliases} aliases; at most {s.max_aliases} are allowed "
            "(F1GRAPH_MAX_ALIASES)."
        )
    if cost.longest_list > s.max_list_items:
        raise LimitError(
            f"{cost.longest_list_argument} has {cost.longest_list:,} items; at most "
            f"{s.max_list_items} are allowed (F1GRAPH_MAX_LIST_ITEMS)."
        )
    if cost.fields > s.max_cost:
        raise LimitError(
            f"The query's estimated cost is {cost.fields:,} fields; at most {s.max_cost:,} are "
            "allowed (F1GRAPH_MAX_COST). Narrow it: fewer sessions, drivers or laps, a time "
            "window for telemetry."
        )
    if cost.upstream > s.max_upstream_requests:
        raise LimitError(
            f"The query may need {cost.upstream:,} OpenF1 requests when nothing is cached; at "
            f"most {s.max_upstream_requests:,} are allowed (F1GRAPH_MAX_UPSTREAM_REQUESTS). "
            "Narrow it to fewer sessions or cars, or a time window."
        )


def tokens_message(limit: int) -> str:
    """The refusal of a document of more than ``limit`` tokens."""
    return (
        f"The query has more than {limit:,} tokens; at most {limit:,} are allowed "
        "(F1GRAPH_MAX_TOKENS)."
    )


def body_message(limit: int) -> str:
    """The refusal of a request body of more than ``limit`` bytes."""
    return (
        f"The request body is larger than {limit:,} bytes; at most {limit:,} are allowed "
        "(F1GRAPH_MAX_BODY_BYTES)."
    )
