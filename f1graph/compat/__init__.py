"""The legacy REST shim: each route of the old backend runs a stored GraphQL operation.

The route table (:data:`ROUTES`) names, for every route, the operation it runs, how its
parameters become variables and where ``data`` sits in the answer; :func:`compat_mount` serves
it under ``/api/v1`` with an OpenAPI document and a docs page.
"""

from f1graph.compat.app import CompatApp, compat_app, compat_mount
from f1graph.compat.routes import ROUTES
from f1graph.compat.table import LegacyRoute

__all__ = [
    "ROUTES",
    "CompatApp",
    "LegacyRoute",
    "compat_app",
    "compat_mount",
]
