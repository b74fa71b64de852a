"""Running a plan: tight loops over resolved objects, async resolvers awaited level by level.

Synchronous work runs depth first, as graphql-core runs it, and errors propagate as exceptions
to the nearest nullable field. A resolver that returns an awaitable (a DataLoader load) is set
aside; when no synchronous work is left, every awaitable set aside is awaited in one
``gather``, so a loader sees all keys of a level in one batch (a coroutine set aside has not
started: it asks its loader for nothing until that ``gather``). Their values are completed into
the slots kept for them, and a non-null violation found then walks up the recorded
:class:`Frame`s to the nearest nullable position. Errors are recorded through graphql-core's
``CollectedErrors``, so an error under a position already nulled is dropped exactly as the
standard executor drops it.

The event loop gets a turn every ``SLICE_S`` of work: a long list leaves the rest of its
items, and a batch of awaited values the rest of its completions, to a *resume* run after an
``asyncio.sleep(0)``, so ``/healthz`` answers while a large query runs. Resumes run before the
next ``gather``: the awaitables set aside meanwhile wait for them, so a level whose completion
is cut by yields still reaches its loaders as one batch.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, located_error
from graphql.pyutils import Path, is_iterable

from f1graph.execution.leaves import Anomaly
from f1graph.execution.memo import ROWS
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


class Run:
    """One execution of a plan by one executor (its variables, context, errors)."""

    def __init__(self, executor: Executor[Any], plan: ObjectPlan) -> None:
        self.executor = executor
        self.plan = plan
        self.errors = executor.collected_errors
        self.is_awaitable = executor.is_awaitable
        self.pending: list[tuple[Awaitable[Any], Callable[[Any], None]]] = []
        self.resumes: list[Callable[[], None]] = []  # work left for after the loop's turn
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
        if not self.pending and not self.resumes:
            return None if self.root_nulled else data
        return self.drain(data)

    async def drain(self, data: dict[str, Any]) -> dict[str, Any] | None:
        try:
            while self.pending or self.resumes:
                if self.resumes:
                    await asyncio.sleep(0)  # the event loop's turn
                    self.slice_start = perf_counter()
                    self.resume()
                    continue
                batch, self.pending = self.pending, []
                results = await asyncio.gather(*(a for a, _ in batch), return_exceptions=True)
                self.slice_start = perf_counter()
                for result in results:
                    if isinstance(result, BaseException) and not isinstance(result, Exception):
                        raise result  # cancellation and friends end the operation
                self.resumes = [
                    partial(finish, result)
                    for (_, finish), result in zip(batch, results, strict=True)
                ]
                self.resume()
        except BaseException:
            for awaitable, _ in self.pending:  # never started: closed, not left to warn
                if inspect.iscoroutine(awaitable):
                    awaitable.close()
            raise
        return None if self.root_nulled else data

    def resume(self) -> None:
        """Run the resumes in order until the slice is spent; the rest wait for the next."""
        resumes, self.resumes = self.resumes, []
        for index, go in enumerate(resumes):
            if index and perf_counter() - self.slice_start > SLICE_S:
                self.resumes = resumes[index:] + self.resumes
                return
            go()

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
        self,
        plan: ObjectPlan,
        source: Any,
        target: dict[str, Any],
        frame: Frame,
        fields: list[FieldPlan] | None = None,
    ) -> None:
        type_name = plan.gql_type.name
        for field in plan.fields if fields is None else fields:
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
                elif field.direct is not None:
                    value = field.direct(source)
                    if self.is_awaitable(value):
                        path = Path(frame.path, key, type_name)
                        target[key] = None
                        self.pending.append((value, self.later(field, frame, target, path)))
                        continue
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
            frame = Frame(path, holder, key, nullable, parent)
            if plan.partial is not None:
                try:
                    started = plan.partial(value)
                except Exception:
                    pass
                else:
                    self.exec_object(plan, value, started, frame, plan.rest)
                    return started
            target: dict[str, Any] = {}
            self.exec_object(plan, value, target, frame)
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
        if type(value) is list:
            items = value
        elif isinstance(value, (str, bytes)) or not is_iterable(value):
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{field.parent_type.name}.{field.name}'."
            )
        else:
            items = list(value)
        inner = completion.inner
        assert inner is not None
        row = completion.items_row
        if row is not None:
            memo = ROWS.get(row, items)
            if memo is not None:
                return memo
        fast = completion.items_fast
        if fast is not None:
            try:
                completed = fast(items)
            except Exception:
                pass
            else:
                if row is not None:
                    ROWS.put(row, items, completed)
                return completed
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
                self.resumes.append(self.rest(inner, field, items, index, out, frame))
                return

    def rest(
        self,
        inner: Completion,
        field: FieldPlan,
        items: list[Any],
        start: int,
        out: list[Any],
        frame: Frame,
    ) -> Callable[[], None]:
        """The rest of a list, completed after the event loop had its turn."""

        def go() -> None:
            self.fill(inner, field, items, start, out, frame, True)

        return go
