"""The shape of a row of the route table: a legacy route and how the graph answers it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from f1graph.compat.params import Param
from f1graph.errors import BadRequestError

PREFIX = "/api/v1"
_PATH_PARAM = re.compile(r":(\w+)")


@dataclass(frozen=True)
class LegacyRoute:
    """One route: ``method`` and ``path`` as the contract writes them (``:name`` for path
    parameters), the stored operation it runs, and the dotted path of ``data`` in its result."""

    method: str
    path: str
    operation: str
    data: str
    summary: str
    params: tuple[Param, ...] = ()
    session_param: str | None = "sessionKey"  # the parameter that names the session, if any
    require_any: tuple[str, ...] = ()  # at least one of these query parameters must be given

    @property
    def route_path(self) -> str:
        """The path under ``/api/v1`` in Starlette's syntax: ``/sessions/{sessionKey}/drivers``."""
        return _PATH_PARAM.sub(r"{\1}", self.path.removeprefix(PREFIX))

    @property
    def openapi_path(self) -> str:
        return _PATH_PARAM.sub(r"{\1}", self.path)

    @property
    def tag(self) -> str:
        return self.path.removeprefix(PREFIX).split("/")[1]

    def arguments(
        self, path: dict[str, str], query: dict[str, str]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(variables, values)``: the operation's variables and every parameter's value, read
        and checked; a malformed or missing parameter is a BAD_REQUEST naming it."""
        values: dict[str, Any] = {}
        for param in self.params:
            raw = path.get(param.name) if param.location == "path" else query.get(param.name)
            if raw is None:
                if param.required:
                    raise BadRequestError(f"The {param.name} query parameter is required.")
                continue
            values[param.name] = param.read(raw)
        if self.require_any and not any(name in values for name in self.require_any):
            names = ", ".join(self.require_any)
            raise BadRequestError(f"Narrow the request with at least one of: {names}.")
        variables = {p.variable: values[p.name] for p in self.params if p.name in values}
        return variables, values

    def pick(self, result: Any) -> Any:
        """The ``data`` of the envelope: the result at :attr:`data`."""
        for key in self.data.split(".") if self.data else ():
            result = result.get(key) if isinstance(result, dict) else None
        return result
