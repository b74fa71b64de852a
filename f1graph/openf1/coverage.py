"""Which datasets OpenF1 always has for a session of each type, so that no rows means unknown.

OpenF1 sometimes serves a session with datasets missing: for a while after it ends, or for good
(many 2023-2024 races hold only laps and stints). A dataset a session of that type *always* has
in OpenF1 coming back with no rows is therefore a gap in the data, not a fact: the fields derived
from it are unknown (null), never zero or empty. A dataset that may legitimately be empty (the
intervals of a qualifying session, the overtakes of a processional race, team radio, a grid
filed elsewhere) is taken at its word.

Session types are OpenF1's ``session_type``: ``Race`` (races and sprints), ``Qualifying``
(qualifying and sprint qualifying/shootout) and ``Practice``.
"""

from __future__ import annotations

from typing import Final

_TIMED: Final = ("drivers", "laps", "stints", "pit", "position", "race_control", "weather")

ALWAYS_HAS: Final[dict[str, frozenset[str]]] = {
    "Race": frozenset({*_TIMED, "intervals", "session_result"}),
    "Qualifying": frozenset({*_TIMED, "session_result"}),
    "Practice": frozenset(_TIMED),
}
"""Per session type, the endpoints OpenF1 has rows for in every such session."""


def always_has(session_type: str | None, endpoint: str) -> bool:
    """Whether a session of ``session_type`` always has ``endpoint`` rows in OpenF1 (False for
    an unknown type: then no rows cannot be told from a gap)."""
    return endpoint in ALWAYS_HAS.get(session_type or "", frozenset())
