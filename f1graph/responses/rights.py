"""The caller's rights, as part of the key: answers are never shared across different rights."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from f1graph.access import KeyState, identity_of


def rights_of(request: HTTPConnection) -> tuple[str, bool]:
    """``(rights, public)``: the caller's rights as text (the path globs it may call and whether
    it is an admin; callers with equal rights share answers), and whether it presented no key
    (its answers may then be cached by shared HTTP caches)."""
    identity = identity_of(request)
    rights = identity.rights
    text = "|".join(sorted(rights.paths)) + (";admin" if rights.admin else "")
    return text, identity.key is KeyState.NONE
