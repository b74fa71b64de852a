"""What one execution read, recorded through a context variable (for the response cache).

While a :class:`Reads` is active (:func:`recording`), the data layer notes every session whose
datasets or telemetry it hands out (:func:`touch`, after taking that session's *generation*
before the read), every read not tied to one session (:func:`note_unbounded`: a meetings search,
``latest``), and every entry this execution itself wrote (:func:`note_put`). A session's
generation changes whenever anything under its keys is written and is forgotten with its keys
(``evictSession``), so an answer recorded with the generations it saw is valid exactly while
they stay the same (see :mod:`f1graph.cache.generations`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from f1graph.cache.backend import CacheBackend


@dataclass
class Reads:
    """Sessions read (with their generation before the first read), own writes, and whether
    anything not bound to a session was read."""

    backend: CacheBackend
    generations: dict[int, int] = field(default_factory=dict)
    own_puts: Counter[int] = field(default_factory=Counter)
    unbounded: bool = False
    fresh_until: float = math.inf  # epoch s when the first of the data read stops being fresh


_current: ContextVar[Reads | None] = ContextVar("f1graph_reads", default=None)


@contextmanager
def recording(backend: CacheBackend) -> Iterator[Reads]:
    """Record the reads of the code run inside (tasks it starts inherit the recording)."""
    reads = Reads(backend)
    token = _current.set(reads)
    try:
        yield reads
    finally:
        _current.reset(token)


async def touch(session_keys: Iterable[int]) -> None:
    """Note sessions about to be read, taking each one's generation first (once)."""
    reads = _current.get()
    if reads is None:
        return
    new = [sk for sk in dict.fromkeys(session_keys) if sk not in reads.generations]
    if new:
        from f1graph.cache.generations import generations

        for sk, generation in zip(new, await generations(reads.backend, new), strict=True):
            reads.generations.setdefault(sk, generation)


def note_unbounded() -> None:
    """Note a read that belongs to no single session (its answer cannot be cached)."""
    reads = _current.get()
    if reads is not None:
        reads.unbounded = True


def note_fresh_until(fresh_until: float) -> None:
    """Note data read that is fresh until ``fresh_until`` (epoch s)."""
    reads = _current.get()
    if reads is not None and fresh_until < reads.fresh_until:
        reads.fresh_until = fresh_until


def note_put(session_key: int) -> None:
    """Note an entry of ``session_key`` written by this execution."""
    reads = _current.get()
    if reads is not None:
        reads.own_puts[session_key] += 1
