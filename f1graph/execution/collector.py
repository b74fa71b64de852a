"""The garbage collector kept from stalling the event loop.

Measured (README, "Execution"): with one race loaded, a full (generation 2) collection walks
every object the process holds (datasets, plans, completed lists) and took about 80 ms, during
which no request is served; eight large queries at once set off several. After a full
collection, what survived is what lives on: :func:`settle_every` freezes it (``gc.freeze``:
those objects leave the collector's generations; reference counting still frees them when
dropped), so the next full collections walk only what was allocated since, and each pause stays
short. It settles once at start (collect, freeze), then looks every ``interval_s`` seconds
whether a full collection ran and freezes its survivors. Cyclic garbage among frozen objects is
never collected: that is at most what was in flight in the instants between a collection and
the look that followed it.
"""

from __future__ import annotations

import asyncio
import gc


def settle() -> None:
    """Collect every generation, then freeze the survivors."""
    gc.collect()
    gc.freeze()


def full_collections() -> int:
    """How many full (generation 2) collections this process has run."""
    return int(gc.get_stats()[2]["collections"])


async def settle_every(interval_s: float) -> None:
    """Settle now; then, every ``interval_s`` seconds, freeze the survivors of any full
    collection that ran since the last look. Runs until cancelled."""
    settle()
    seen = full_collections()
    while True:
        await asyncio.sleep(interval_s)
        now = full_collections()
        if now != seen:
            gc.freeze()
            seen = now
