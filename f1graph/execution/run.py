"""Running a plan: tight loops over resolved objects, async resolvers awaited level by level.

Synchronous work runs depth first, as graphql-core runs it, and errors propagate as exceptions
to the nearest nullable field. A resolver that returns an awaitable (a DataLoader load) is set
aside; when no synchronous work is left, every awaitable set aside is awaited in one
``gather``, so a loader sees all keys of a level in one batch. Their values are completed into
the slots kept for them, and a non-null violation found then walks up the recorded
:class:`Frame`s to the nearest nullable position. Errors are recorded through graphql-core's
``CollectedErrors``, so an error under a position already nulled is dropped exactly as the
standard executor drops it.

A long list yields to the event loop every ``SLICE_S`` of work: the rest of the list becomes a
continuation awaited with the next level, so ``/healthz`` answers while a large query runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, located_error
from graphql.pyutils import Path, is_iterable

from f1graph.execution.leaves import Anomaly
from f1graph.execution.plan import LEAF, LIST, NON_NULL, OBJECT, Completion, FieldPlan, ObjectPlan

if TYPE_CHECKING:
    from graphql.execution.executor import Executor

SLICE_S = 0.004  # the longest stretch of execution between two yields to the event loop
CHECK_EVERY = 16  # list items between two looks at the clock


class Frame:
    """A position of the response that may be nulled: where it is held and how to reach up."""

    __slots__ = ("holder", "key", "nullable", "parent", "path")

    def __init__(
        self,
        path: Path | None,
        holder: Any,
        key: str | int | None,
        nullable: bool,
        parent: Frame | None,
    ) -> None:
        self.path = path
        self.holder = holder
        self.key = key
        self.nullable = nullable
        self.parent = parent


def _yield_now() -> Awaitable[None]:
    return asyncio.sleep(0)


class Run:
    """One execution of a plan by one executor (its variables, context, errors)."""

    def __init__(self, executor: Executor[Any], plan: ObjectPlan) -> None:
        self.executor = executor
        self.plan = plan
        self.errors = executor.collected_errors
        self.is_awaitable = executor.is_awaitable
        self.pending: list[tuple[Awaitable[Any], Callable[[Any], None]]] = []
        self.root_nulled = False
        self.slice_start = perf_counter()
        self.resolvers: dict[int, Callable[..., Any]] = {}

    # -- the operation --------------------------------------------------------------------
    def execute(self) -> dict[str, Any] | Awaitable[dict[str, Any] | None] | None:
        """The data: a dict, None when a non-null root field failed, or an awaitable of it."""
        data: dict[str, Any] = {}
        root = Frame(None, None, None, False, None)
        try:
            self.exec_object(self.plan, self.executor.root_value, data, root)
        except GraphQLError as error:
            self.errors.add(error, None)
            self.root_nulled = True
        if not self.pending:
            return None if self.root_nulled else data
        return self.drain(data)

    async def drain(self, data: dict[str, Any]) -> dict[str, Any] | None:
        while self.pending:
            batch, self.pending = self.pending, []
            results = await asyncio.gather(*(a for a, _ in batch), return_exceptions=True)
            self.slice_start = perf_counter()
            for (_, finish), result in zip(batch, results, strict=True):
                if isinstance(result, BaseException) and not isinstance(result, Exception):
                    raise result  # cancellation and friends end the operation
                finish(result)
        return None if self.root_nulled else data

    # -- errors ---------------------------------------------------------------------------
    def propagate(self, frame: Frame | None, error: GraphQLError) -> None:
        """Null the nearest nullable position at or above ``frame`` for ``error``."""
        while frame is not None:
            if frame.nullable:
                frame.holder[frame.key] = None
                self.errors.add(error, frame.path)
                return
            frame = frame.parent
        self.errors.add(error, None)
        self.root_nulled = True

    def field_error(
        self, raw: Exception, field: FieldPlan, completion: Completion, path: Path
    ) -> None:
        """graphql-core's ``handle_field_error``: raise for a non-null position, else record."""
        error = located_error(raw, field.nodes, path.as_list())
        if completion.kind == NON_NULL:
            raise error
        self.errors.add(error, path)

    # -- objects and fields ---------------------------------------------------------------
    def resolver(self, field: FieldPlan) -> Callable[..., Any]:
        found = self.resolvers.get(id(field))
        if found is None:
            executor = self.executor
            assert field.field_def is not None
            found = field.field_def.resolve or executor.field_resolver
            if executor.middleware_manager:
                found = executor.middleware_manager.get_field_resolver(found)
            self.resolvers[id(field)] = found
        return found

    def exec_object(
        self, plan: ObjectPlan, source: Any, target: dict[str, Any], frame: Frame
    ) -> None:
        type_name = plan.gql_type.name
        for field in plan.fields:
            key = field.key
            if field.typename is not None:
                target[key] = field.typename
                continue
            completion = field.completion
            assert completion is not None
            path: Path | None = None
            try:
                attribute = field.attribute
                if attribute is not None:
                    value = getattr(source, attribute)
                else:
                    path = Path(frame.path, key, type_name)
                    if field.args_error is not None:
                        raise field.args_error
                    info = self.executor.build_resolve_info(
                        field.field_def,  # type: ignore[arg-type]
                        field.nodes,
                        plan.gql_type,
                        path,
                    )
                    value = self.resolver(field)(source, info, **field.args)
                    if self.is_awaitable(value):
                        target[key] = None  # the slot keeps the field's place in the order
                        self.pending.append((value, self.later(field, frame, target, path)))
                        continue
                if path is None and not field.leafy:
                    path = Path(frame.path, key, type_name)
                target[key] = self.complete(
                    completion, field, value, path, frame, target, key, True
                )
            except Exception as raw:
                if path is None:
                    path = Path(frame.path, key, type_name)
                self.field_error(raw, field, completion, path)  # raises for a non-null field
                target[key] = None

    def later(
        self, field: FieldPlan, frame: Frame, target: dict[str, Any], path: Path
    ) -> Callable[[Any], None]:
        """What to do with an awaited resolver's value (or exception)."""
        completion = field.completion
        assert completion is not None

        def finish(value: Any) -> None:
            try:
                if isinstance(value, Exception):
                    raise value
                target[field.key] = self.complete(
                    completion, field, value, path, frame, target, field.key, True
                )
            except Exception as raw:
                try:
                    self.field_error(raw, field, completion, path)
                except GraphQLError as error:
                    self.propagate(frame, error)
                    return
                target[field.key] = None

        return finish

    # -- values ---------------------------------------------------------------------------
    def complete(
        self,
        completion: Completion,
        field: FieldPlan,
        value: Any,
        path: Path | None,
        parent: Frame,
        holder: Any,
        key: str | int,
        nullable: bool,
    ) -> Any:
        """graphql-core's ``complete_value`` for a planned type; raises where it raises."""
        if isinstance(value, Exception):
            raise value
        kind = completion.kind
        if kind == NON_NULL:
            inner = completion.inner
            assert inner is not None
            done = self.complete(inner, field, value, path, parent, holder, key, False)
            if done is None:
                raise TypeError(
                    f"Cannot return null for non-nullable field {field.parent_type.name}."
                    f"{field.name}."
                )
            return done
        if value is None:
            return None
        if kind == LEAF:
            assert completion.leaf is not None and completion.leaf_type is not None
            try:
                return completion.leaf(value)
            except Anomaly:
                return self.executor.complete_leaf_value(completion.leaf_type, value)
        assert path is not None
        if kind == OBJECT:
            plan = completion.object_plan
            assert plan is not None
            if plan.row is not None:
                try:
                    return plan.row(value)
                except Exception:
                    pass
            gql_type = plan.gql_type
            if gql_type.is_type_of is not None:
                info = self.executor.build_resolve_info(
                    field.field_def,  # type: ignore[arg-type]
                    field.nodes,
                    field.parent_type,
                    path,
                )
                if not gql_type.is_type_of(value, info):
                    raise GraphQLError(
                        f"Expected value of type '{gql_type}' but got: {value!r}.", field.nodes
                    )
            target: dict[str, Any] = {}
            self.exec_object(plan, value, target, Frame(path, holder, key, nullable, parent))
            return target
        assert kind == LIST
        return self.complete_list(completion, field, value, path, parent, holder, key, nullable)

    def complete_list(
        self,
        completion: Completion,
        field: FieldPlan,
        value: Any,
        path: Path,
        parent: Frame,
        holder: Any,
        key: str | int,
        nullable: bool,
    ) -> list[Any]:
        if isinstance(value, (str, bytes)) or not is_iterable(value):
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{field.parent_type.name}.{field.name}'."
            )
        inner = completion.inner
        assert inner is not None
        items = value if isinstance(value, list) else list(value)
        fast = _fast_items(inner)
        if fast is not None:
            try:
                return fast(items)
            except Exception:
                pass
        out: list[Any] = [None] * len(items)
        frame = Frame(path, holder, key, nullable, parent)
        self.fill(inner, field, items, 0, out, frame, resumed=False)
        return out

    def fill(
        self,
        inner: Completion,
        field: FieldPlan,
        items: list[Any],
        start: int,
        out: list[Any],
        frame: Frame,
        resumed: bool,
    ) -> None:
        """Complete ``items[start:]`` into ``out``; hand the rest on when the slice is spent."""
        path = frame.path
        count = len(items)
        index = start
        while index < count:
            item_path = Path(path, index, None)
            try:
                out[index] = self.complete(
                    inner, field, items[index], item_path, frame, out, index, True
                )
            except Exception as raw:
                try:
                    self.field_error(raw, field, inner, item_path)
                except GraphQLError as error:
                    if not resumed:
                        raise
                    self.propagate(frame, error)
                    return
                out[index] = None
            index += 1
            if index % CHECK_EVERY == 0 and perf_counter() - self.slice_start > SLICE_S:
                self.pending.append(
                    (_yield_now(), self.rest(inner, field, items, index, out, frame))
                )
                return

    def rest(
        self,
        inner: Completion,
        field: FieldPlan,
        items: list[Any],
        start: int,
        out: list[Any],
        frame: Frame,
    ) -> Callable[[Any], None]:
        """The rest of a list, completed after the event loop had its turn."""

        def go(_: object) -> None:
            self.fill(inner, field, items, start, out, frame, True)

        return go


def _fast_items(inner: Completion) -> Callable[[list[Any]], list[Any]] | None:
    """One comprehension for a list of leaves or of row objects, or None."""
    item_nullable = inner.kind != NON_NULL
    base = inner if item_nullable else inner.inner
    assert base is not None
    one: Callable[[Any], Any] | None = None
    if base.kind == LEAF:
        one = base.leaf
    elif base.kind == OBJECT and base.object_plan is not None:
        one = base.object_plan.row
    if one is None:
        return None
    convert = one
    if item_nullable:
        return lambda items: [None if v is None else convert(v) for v in items]
    # a None item makes ``convert`` raise (Anomaly or AttributeError): item by item then
    return lambda items: [convert(v) for v in items]
