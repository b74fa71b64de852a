"""The stored GraphQL operations of the legacy routes, read from ``operations/*.graphql``.

Each file holds named operations; ``fragments.graphql`` holds field sets they share. Every
operation is stored as its own document: the operation and the fragments it uses, printed
canonically, which is exactly what a route runs and what a client could post to ``/graphql``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
    visit,
)
from graphql.language import Visitor


@dataclass(frozen=True)
class Operation:
    """One stored operation: its name, kind (query or mutation) and standalone document."""

    name: str
    kind: str
    document: str

    @property
    def ast(self) -> DocumentNode:
        return parse(self.document)


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: object) -> None:
        self.names.add(node.name.value)


def _spreads(node: Node) -> set[str]:
    collector = _Spreads()
    visit(node, collector)
    return collector.names


def _used(root: Node, fragments: dict[str, FragmentDefinitionNode]) -> list[str]:
    """Names of the fragments ``root`` uses, directly or through other fragments, sorted."""
    seen: set[str] = set()
    todo = list(_spreads(root))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_spreads(fragments[name]))
    return sorted(seen)


@cache
def operations() -> dict[str, Operation]:
    """Every stored operation by name."""
    folder = resources.files("f1graph.compat") / "operations"
    definitions = [
        d
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".graphql")
        for d in parse(f.read_text(encoding="utf-8")).definitions
    ]
    fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
    out: dict[str, Operation] = {}
    for d in definitions:
        if isinstance(d, OperationDefinitionNode) and d.name is not None:
            parts = [print_ast(d)] + [print_ast(fragments[n]) for n in _used(d, fragments)]
            out[d.name.value] = Operation(d.name.value, d.operation.value, "\n\n".join(parts))
    return out


def invalid_operations(schema: GraphQLSchema) -> dict[str, list[str]]:
    """Stored operations the schema rejects, with its messages (empty when all are valid)."""
    out: dict[str, list[str]] = {}
    for name, op in operations().items():
        errors = validate(schema, op.ast)
        if errors:
            out[name] = [e.message for e in errors]
    return out
