"""What every source of OpenF1 data offers: the HTTP client, a recorded directory, a fake."""

from __future__ import annotations

from typing import Protocol

from f1graph.openf1.filters import Filters


class Source(Protocol):
    """Anything that answers OpenF1 queries with the JSON bytes of a list of rows."""

    async def fetch(self, endpoint: str, filters: Filters) -> bytes:
        """Rows of ``endpoint`` matching ``filters``, as a JSON array (``b"[]"`` for none).

        Raises an :class:`f1graph.errors.UpstreamError` when the rows cannot be had.
        """
        ...

    async def aclose(self) -> None:
        """Release connections and files."""
        ...
