"""The OpenAPI 3.1 document of the shim, generated from the route table and the graph."""

from __future__ import annotations

from typing import Any

from f1graph import __version__
from f1graph.compat.data_schema import JsonSchema, data_schema
from f1graph.compat.envelope import ERROR_BY_STATUS
from f1graph.compat.operations import invalid_operations, operations
from f1graph.compat.params import Param
from f1graph.compat.routes import ROUTES
from f1graph.compat.table import LegacyRoute
from f1graph.schema import schema

ERRORS = {
    400: "A malformed path or query parameter.",
    401: "An API key is required and missing or not valid.",
    403: "The API key is not allowed this route.",
    404: "The session, driver or lap does not exist.",
    429: "This client sent too many requests (see Retry-After).",
    500: "A bug; the body holds no internals.",
    503: "OpenF1 is down, rate-limited or the circuit is open, and nothing cached can serve.",
}
ERROR_SCHEMA: JsonSchema = {
    "type": "object",
    "required": ["statusCode", "error", "message", "path", "timestamp"],
    "properties": {
        "statusCode": {"type": "integer"},
        "error": {"type": "string", "enum": sorted(set(ERROR_BY_STATUS.values()))},
        "message": {"type": "string"},
        "path": {"type": "string"},
        "timestamp": {"type": "string"},
    },
}


def _parameter(param: Param) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": param.name,
        "in": param.location,
        "required": param.required or param.location == "path",
        "description": param.description,
        "schema": param.kind.schema,
    }
    if param.example is not None:
        out["example"] = param.example
    return out


def _envelope(data: JsonSchema) -> JsonSchema:
    return {
        "type": "object",
        "required": ["sessionKey", "data", "timestamp"],
        "properties": {
            "sessionKey": {"type": ["integer", "null"]},
            "data": data,
            "timestamp": {"type": "string"},
            "count": {"type": "integer", "description": "The number of items, for a list."},
            "stale": {"type": "boolean", "description": "Served from a stale cache entry."},
        },
    }


def _operation(route: LegacyRoute, invalid: dict[str, list[str]]) -> dict[str, Any]:
    op = operations()[route.operation]
    # an operation the graph cannot run yet answers 500; describe its data as anything
    data = {} if route.operation in invalid else data_schema(schema._schema, op, route.data)
    responses: dict[str, Any] = {
        "200": {
            "description": "The envelope, with the answer in data.",
            "content": {"application/json": {"schema": _envelope(data)}},
        }
    }
    for status, why in ERRORS.items():
        responses[str(status)] = {
            "description": why,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return {
        "operationId": route.operation,
        "summary": route.summary,
        "description": f"Runs the stored GraphQL operation {route.operation}:\n\n```graphql\n"
        f"{op.document}\n```",
        "tags": [route.tag],
        "parameters": [_parameter(p) for p in route.params],
        "responses": responses,
    }


def openapi_document() -> dict[str, Any]:
    """Every route of the table with its parameters, envelope and errors."""
    paths: dict[str, dict[str, Any]] = {}
    invalid = invalid_operations(schema._schema)
    for route in ROUTES:
        paths.setdefault(route.openapi_path, {})[route.method.lower()] = _operation(route, invalid)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "f1graph legacy REST API",
            "version": __version__,
            "description": "The legacy REST routes, each answered by a stored GraphQL operation "
            "on f1graph's schema (POST it to /graphql for the same answer).",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
