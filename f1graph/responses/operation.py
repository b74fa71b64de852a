"""What identifies an operation: its normalized document, name and kind, and the request key.

Two requests are the same operation when their documents print the same once parsed
(whitespace, commas and comments do not count), they name the same operation, pass equal
variables and carry the same caller rights. Only queries are coalesced or cached.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, parse, print_ast


@dataclass(frozen=True, slots=True)
class Operation:
    """A parsed operation: its canonical text, the operation name asked for, and its kind."""

    document: str
    name: str | None
    kind: str  # "query", "mutation" or "subscription"


@lru_cache(maxsize=2048)
def operation_of(query: str, name: str | None) -> Operation | None:
    """The operation ``name`` (or the only one) of ``query``; ``None`` when the text does not
    parse or names no single operation (the executor then answers with the coded error)."""
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    chosen = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (name is None or (d.name is not None and d.name.value == name))
    ]
    if len(chosen) != 1:
        return None
    return Operation(print_ast(document), name, chosen[0].operation.value)


def request_key(surface: str, operation: Operation, variables: Any, rights: str) -> str:
    """The key under which identical requests coalesce and their answer is cached."""
    try:
        encoded = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        encoded = repr(variables).encode()
    digest = hashlib.sha256()
    for part in (surface, operation.document, operation.name or "", rights):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(encoded)
    return digest.hexdigest()
