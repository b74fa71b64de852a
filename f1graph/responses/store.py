"""Where answers are kept: an in-process LRU bounded by bytes, and the shared cache (Redis)
when configured, so every replica serves what one of them computed.

An entry holds the generations of the sessions its execution read, its strong ETag and its
encoded bytes; each compressed form is kept beside it once computed (under a key naming the
ETag, so a form never outlives the bytes it was made from).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from cachetools import LRUCache

from f1graph.cache import CacheBackend, keys
from f1graph.responses.encoding import compress

_COUNT = struct.Struct(">dH")
_GENERATION = struct.Struct(">qq")
SHARED_FRACTION = 16  # no single answer above max_bytes / 16 goes to the shared cache


@dataclass(frozen=True, slots=True)
class Answer:
    """A stored answer: ``(session, generation)`` pairs it is valid for, until when (epoch s,
    the end of its data's freshness), its ETag and bytes."""

    generations: tuple[tuple[int, int], ...]
    fresh_until: float
    etag: str
    body: bytes


def etag_of(body: bytes) -> str:
    """A strong validator: a digest of the exact bytes."""
    return hashlib.blake2b(body, digest_size=12).hexdigest()


def pack(answer: Answer) -> bytes:
    parts = [_COUNT.pack(answer.fresh_until, len(answer.generations))]
    parts += [_GENERATION.pack(sk, g) for sk, g in answer.generations]
    parts += [bytes([len(answer.etag)]), answer.etag.encode(), answer.body]
    return b"".join(parts)


def unpack(raw: bytes) -> Answer:
    fresh_until, count = _COUNT.unpack_from(raw)
    offset = _COUNT.size
    generations = []
    for _ in range(count):
        generations.append(_GENERATION.unpack_from(raw, offset))
        offset += _GENERATION.size
    size = raw[offset]
    etag = raw[offset + 1 : offset + 1 + size].decode()
    return Answer(tuple(generations), fresh_until, etag, raw[offset + 1 + size :])


class ResponseStore:
    """Answers by request key; ``shared`` is the Redis backend, or ``None`` in memory mode."""

    def __init__(self, max_bytes: int, shared: CacheBackend | None, ttl_s: float) -> None:
        self.max_bytes = max_bytes
        self.shared = shared
        self.ttl_s = ttl_s
        self._local: LRUCache[str, Answer | bytes] = LRUCache(
            maxsize=max_bytes,
            getsizeof=lambda v: len(v.body if isinstance(v, Answer) else v) + 200,
        )

    @staticmethod
    def _key(request_key: str) -> str:
        return f"{keys.PREFIX}:response:{request_key}"

    async def get(self, request_key: str) -> Answer | None:
        held = self._local.get(request_key)
        if isinstance(held, Answer):
            return held
        if self.shared is None:
            return None
        raw = await self.shared.get(self._key(request_key))
        if raw is None:
            return None
        answer = unpack(raw)
        self._keep(request_key, answer)
        return answer

    async def put(self, request_key: str, answer: Answer, ttl_s: float) -> None:
        """Keep ``answer`` (shared for at most ``ttl_s``, and never past ``self.ttl_s``)."""
        self._keep(request_key, answer)
        if self.shared is not None and len(answer.body) <= self.max_bytes // SHARED_FRACTION:
            await self.shared.set(self._key(request_key), pack(answer), min(ttl_s, self.ttl_s))

    def forget(self, request_key: str) -> None:
        """Drop an answer found invalid (the shared copy is replaced by the next put)."""
        self._local.pop(request_key, None)

    async def form(self, request_key: str, answer: Answer, encoding: str) -> tuple[bytes, bool]:
        """The answer compressed with ``encoding``, kept or compressed once and kept; and
        whether it was compressed now."""
        form_key = f"{request_key}:{answer.etag}:{encoding}"
        held = self._local.get(form_key)
        if isinstance(held, bytes):
            return held, False
        shared_key = self._key(form_key)
        body = await self.shared.get(shared_key) if self.shared is not None else None
        made = body is None
        if body is None:
            body = compress(answer.body, encoding)
            if self.shared is not None and len(body) <= self.max_bytes // SHARED_FRACTION:
                await self.shared.set(shared_key, body, self.ttl_s)
        self._keep(form_key, body)
        return body, made

    def _keep(self, key: str, value: Answer | bytes) -> None:
        size = len(value.body if isinstance(value, Answer) else value)
        if size < self.max_bytes:
            self._local[key] = value
