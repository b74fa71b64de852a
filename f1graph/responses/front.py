"""Execute once, answer many: in-flight coalescing, the response cache and HTTP caching.

Every query that reaches GraphQL (POST or GET) or a REST shim route passes through
:meth:`Responses.serve` with its request key (:func:`f1graph.responses.operation.request_key`):

1. a valid cached answer is sent as stored bytes (no execution, encoding or compression);
2. else, if the same key is executing, the request waits for that execution's bytes;
3. else it executes once, in a task of its own (a caller leaving does not cancel the others'
   answer), recording the sessions it reads; the answer is stored when every one of them ended
   more than a day ago, nothing unbounded was read, it has no errors and is not stale, and no
   other writer touched those sessions meanwhile.

GET answers that are cacheable carry ``Cache-Control`` and a strong ``ETag``; a matching
``If-None-Match`` gets a 304. ``X-Cache`` says HIT, MISS, COALESCED or BYPASS.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.responses import Response

from f1graph.cache import CacheBackend, reads
from f1graph.cache.generations import generations
from f1graph.cache.ttl import ENDED_AFTER
from f1graph.data import Datasets
from f1graph.errors import F1GraphError
from f1graph.observe import metrics
from f1graph.responses.encoding import IDENTITY, compress, negotiate
from f1graph.responses.store import Answer, ResponseStore, etag_of

HTTP_MAX_AGE_S = 3600  # browsers and CDNs revalidate hourly (evictSession may change an answer)
MISS_MARK = b'"cache":"miss"'
HIT_MARK = b'"cache":"hit"'


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the front sees it. ``key`` is ``None`` for what is never coalesced or
    cached (mutations, subscriptions, batches, unparsable documents)."""

    key: str | None
    method: str
    accept_encoding: str = ""
    if_none_match: str = ""
    public: bool = True
    marked: bool = False  # the body holds ``"cache":"miss"`` (GraphQL's extensions.cache)


@dataclass(frozen=True, slots=True)
class Produced:
    """An executed answer: status, encoded bytes, and whether it may be cached (no errors,
    not stale); ``headers`` go out with it."""

    status: int
    body: bytes
    storable: bool
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """One execution's result, shared by its waiters; ``forms`` are its compressed bodies,
    made once for all of them."""

    produced: Produced
    answer: Answer | None
    forms: dict[str, bytes] = field(default_factory=dict)


def _consume(fut: asyncio.Future[Any]) -> None:
    if not fut.cancelled():
        fut.exception()  # a failure nobody waits for is not an error to log


class Responses:
    """The process's front: counts executions, hits, misses, coalesced waiters and compressions."""

    def __init__(
        self,
        store: ResponseStore,
        backend: CacheBackend,
        datasets: Datasets,
        *,
        enabled: bool = True,
    ) -> None:
        self.store = store
        self.backend = backend  # where session generations live (the dataset cache)
        self.datasets = datasets
        self.enabled = enabled
        self.clock: Callable[[], float] = time.time
        self.executions = 0
        self.hits = 0
        self.misses = 0
        self.coalesced = 0
        self.compressions = 0  # bodies compressed (a hit reuses its stored form)
        self._inflight: dict[str, asyncio.Task[_Outcome]] = {}

    async def serve(self, call: Call, produce: Callable[[], Awaitable[Produced]]) -> Response:
        """The answer to ``call``: stored bytes, another caller's execution, or a new one."""
        if call.key is None:
            return await self._respond(call, _Outcome(await produce(), None), "BYPASS")
        if self.enabled:
            answer = await self.store.get(call.key)
            valid = answer is not None and await self._valid(answer)
            metrics.cache_lookup("response", valid)
            if answer is not None and valid:
                self.hits += 1
                stored = _Outcome(Produced(200, answer.body, True), answer)
                return await self._respond(call, stored, "HIT")
            if answer is not None:
                self.store.forget(call.key)
        task = self._inflight.get(call.key)
        state = "COALESCED"
        if task is None:
            state = "MISS"
            task = asyncio.ensure_future(self._execute(call, produce))
            task.add_done_callback(_consume)
            self._inflight[call.key] = task
            task.add_done_callback(self._forget(call.key))
        outcome = await asyncio.shield(task)
        if state == "MISS":
            self.misses += 1
        else:
            self.coalesced += 1
        return await self._respond(call, outcome, state)

    def _forget(self, key: str) -> Callable[[asyncio.Task[_Outcome]], None]:
        def done(_task: asyncio.Task[_Outcome]) -> None:
            if self._inflight.get(key) is _task:
                del self._inflight[key]

        return done

    async def _execute(self, call: Call, produce: Callable[[], Awaitable[Produced]]) -> _Outcome:
        with reads.recording(self.backend) as recorded:
            produced = await produce()
        self.executions += 1
        if not (self.enabled and produced.status == 200 and produced.storable):
            return _Outcome(produced, None)
        valid_for = await self._valid_for(recorded)
        if valid_for is None:
            return _Outcome(produced, None)
        body = _hit_bytes(produced.body) if call.marked else produced.body
        answer = Answer(valid_for, recorded.fresh_until, etag_of(body), body)
        assert call.key is not None
        await self.store.put(call.key, answer, recorded.fresh_until - self.clock())
        return _Outcome(produced, answer)

    async def _valid_for(self, recorded: reads.Reads) -> tuple[tuple[int, int], ...] | None:
        """The generations an answer is valid for, or ``None`` when it must not be stored."""
        if recorded.unbounded or not recorded.generations:
            return None
        if recorded.fresh_until <= self.clock():
            return None
        now = datetime.fromtimestamp(self.clock(), UTC)
        for session_key in recorded.generations:
            try:
                end = await self.datasets.session_end(session_key)
            except F1GraphError:
                return None
            if end is None or now - end <= ENDED_AFTER:
                return None  # live, or ended less than a day ago: its data may still change
        sessions = list(recorded.generations)
        after = await generations(self.backend, sessions)
        for session_key, generation in zip(sessions, after, strict=True):
            expected = recorded.generations[session_key] + recorded.own_puts[session_key]
            if generation != expected:
                return None  # someone else wrote this session's data meanwhile
        return tuple(zip(sessions, after, strict=True))

    async def _valid(self, answer: Answer) -> bool:
        if answer.fresh_until <= self.clock():
            return False  # its data is due a refresh: execute, which refreshes (or serves stale)
        sessions = [sk for sk, _ in answer.generations]
        now = await generations(self.backend, sessions)
        return all(g == n for (_, g), n in zip(answer.generations, now, strict=True))

    async def _respond(self, call: Call, outcome: _Outcome, state: str) -> Response:
        produced, answer = outcome.produced, outcome.answer
        headers = dict(produced.headers)
        headers["X-Cache"] = state
        body = produced.body
        encoding = negotiate(call.accept_encoding, len(body))
        if len(body) >= 1024:
            headers["Vary"] = "Accept-Encoding"
        if answer is not None and call.method in ("GET", "HEAD"):
            # a strong validator names exact bytes: the miss's own, and each content coding's
            etag = answer.etag if state == "HIT" or not call.marked else answer.etag + "-m"
            etag += "" if encoding == IDENTITY else f"-{encoding}"
            headers["ETag"] = f'"{etag}"'
            scope = "public" if call.public else "private"
            headers["Cache-Control"] = f"{scope}, max-age={HTTP_MAX_AGE_S}"
            held = _held(call.if_none_match, answer.etag, etag)
            if held is not None:  # the client's copy (its bytes, its tag) is still current
                headers["ETag"] = f'"{held}"'
                return Response(status_code=304, headers=headers)
        if encoding != IDENTITY:
            if state == "HIT" and answer is not None and call.key is not None:
                body, made = await self.store.form(call.key, answer, encoding)
            elif encoding in outcome.forms:  # a waiter of an execution already compressed
                body, made = outcome.forms[encoding], False
            else:
                body, made = compress(body, encoding), True
                outcome.forms[encoding] = body
            self.compressions += made
            headers["Content-Encoding"] = encoding
        return Response(body, produced.status, headers, media_type="application/json")


def _hit_bytes(body: bytes) -> bytes:
    """The stored form of a GraphQL answer: its ``extensions.cache`` says ``hit``."""
    at = body.rfind(MISS_MARK)
    if at < 0:
        return body
    return body[:at] + HIT_MARK + body[at + len(MISS_MARK) :]


def _held(if_none_match: str, etag: str, current: str) -> str | None:
    """The tag in ``If-None-Match`` naming this answer (its hit or miss bytes, in any content
    coding; ``*`` names ``current``), or ``None`` when the client holds no copy of it."""
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag == "*":
            return current
        if tag.removesuffix("-zstd").removesuffix("-gzip").removesuffix("-m") == etag:
            return tag
    return None
