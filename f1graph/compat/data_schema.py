"""JSON Schema of a stored operation's answer, read from its selection and the graph's types.

This is how the OpenAPI document describes each route's ``data`` without a hand-kept copy:
the selection says which fields come back, the schema says their types and nullability.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from f1graph.compat.operations import Operation

JsonSchema = dict[str, Any]
_SCALARS: dict[str, JsonSchema] = {
    "Int": {"type": "integer"},
    "Float": {"type": "number"},
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string"},
    # array scalars: one value per telemetry sample (a missing float is written as null)
    "IntArray": {"type": "array", "items": {"type": "integer"}},
    "FloatArray": {"type": "array", "items": {"type": ["number", "null"]}},
    "BoolArray": {"type": "array", "items": {"type": "boolean"}},
    "DateTimeArray": {"type": "array", "items": {"type": "string"}},
    "SegmentCodes": {"type": "array", "items": {"type": ["integer", "null"]}},
}


def _nullable(schema: JsonSchema) -> JsonSchema:
    if "type" not in schema:
        return schema  # already admits anything, null included
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*types, "null"]}


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments

    def fields(self, selection: SelectionSetNode) -> list[FieldNode]:
        out: list[FieldNode] = []
        for node in selection.selections:
            if isinstance(node, FieldNode):
                out.append(node)
            elif isinstance(node, FragmentSpreadNode):
                out += self.fields(self.fragments[node.name.value].selection_set)
            elif isinstance(node, InlineFragmentNode):
                out += self.fields(node.selection_set)
        return out

    def of_type(self, gql: GraphQLOutputType, selection: SelectionSetNode | None) -> JsonSchema:
        if isinstance(gql, GraphQLNonNull):
            return self.of_type_non_null(gql.of_type, selection)
        return _nullable(self.of_type_non_null(gql, selection))

    def of_type_non_null(self, gql: Any, selection: SelectionSetNode | None) -> JsonSchema:
        if isinstance(gql, GraphQLList):
            return {"type": "array", "items": self.of_type(gql.of_type, selection)}
        if isinstance(gql, GraphQLObjectType) and selection is not None:
            return self.object(gql, selection)
        if isinstance(gql, GraphQLEnumType):
            return {"type": "string", "enum": list(gql.values)}
        return dict(_SCALARS.get(gql.name, {}))  # an unknown custom scalar: any JSON

    def object(self, gql: GraphQLObjectType, selection: SelectionSetNode) -> JsonSchema:
        properties: JsonSchema = {}
        for node in self.fields(selection):
            if node.name.value == "__typename":
                properties[(node.alias or node.name).value] = {"type": "string"}
                continue
            field = gql.fields[node.name.value]
            properties[(node.alias or node.name).value] = self.of_type(
                field.type, node.selection_set
            )
        return {"type": "object", "properties": properties, "required": sorted(properties)}


def data_schema(schema: GraphQLSchema, op: Operation, data_path: str) -> JsonSchema:
    """The JSON Schema of the value at ``data_path`` in the answer to ``op``."""
    document = op.ast
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    definition = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    root = schema.mutation_type if op.kind == "mutation" else schema.query_type
    assert root is not None
    out = _Walker(fragments).object(root, definition.selection_set)
    keys = data_path.split(".") if data_path else []
    for i, key in enumerate(keys):
        out = out["properties"][key]
        if i < len(keys) - 1:  # a parent of data is never null in a success: errors answer then
            out = {**out, "type": [t for t in out["type"] if t != "null"]}
    return out
