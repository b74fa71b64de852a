"""Completed lists of immutable records are reused; the collector's survivors are frozen."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import msgspec
import pytest
import strawberry
from strawberry.extensions import ParserCache

from f1graph.execution import ROWS, PlanExecutionContext, collector, immutable, settle_every
from f1graph.execution.memo import immutable_items


class Row(msgspec.Struct, frozen=True):
    number: int
    label: str


@immutable
@strawberry.type
class Tagged:
    tag: str


@strawberry.type
class Item:
    number: int
    label: str


@strawberry.type
class Mutable:
    tag: str


ROW_LIST = [Row(number=n, label=f"#{n}") for n in range(4)]
TAGGED = [Tagged(tag="a"), Tagged(tag="b")]
MUTABLE = [Mutable(tag="x")]


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Item]:
        return ROW_LIST  # type: ignore[return-value]  # records carrying Item's fields

    @strawberry.field
    def tagged(self) -> list[Tagged]:
        return TAGGED

    @strawberry.field
    def mutable(self) -> list[Mutable]:
        return MUTABLE


# parsed once per query text, as the real schema does: one plan, one row, per query
schema = strawberry.Schema(
    query=Query,
    execution_context_class=PlanExecutionContext,
    extensions=[lambda: ParserCache(maxsize=16)],
)


def run(query: str) -> Any:
    result = asyncio.run(schema.execute(query))
    assert result.errors is None
    return result.data


class TestCompletedLists:
    """The same list of immutable items, asked again, answers the completion already made."""

    def test_frozen_structs_are_completed_once(self) -> None:
        first = run("{ rows { number label } }")["rows"]
        second = run("{ rows { number label } }")["rows"]
        assert first == [{"number": n, "label": f"#{n}"} for n in range(4)]
        assert second is first

    def test_registered_types_are_completed_once(self) -> None:
        first = run("{ tagged { tag } }")["tagged"]
        assert run("{ tagged { tag } }")["tagged"] is first
        assert first == [{"tag": "a"}, {"tag": "b"}]

    def test_other_selections_are_completed_apart(self) -> None:
        both = run("{ rows { label } }")["rows"]
        assert both == [{"label": f"#{n}"} for n in range(4)]

    def test_mutable_items_are_completed_every_time(self) -> None:
        first = run("{ mutable { tag } }")["mutable"]
        MUTABLE[0].tag = "y"
        try:
            assert run("{ mutable { tag } }")["mutable"] == [{"tag": "y"}] != first
        finally:
            MUTABLE[0].tag = "x"

    def test_a_subclass_is_not_declared_by_its_base(self) -> None:
        """A subclass of a declared type may add state: it is not immutable unless declared."""

        class Tagged2(Tagged):
            pass

        assert immutable_items(TAGGED) and not immutable_items([Tagged2(tag="c")])
        assert not immutable_items(MUTABLE) and not immutable_items([])

    def test_the_memo_is_bounded(self) -> None:
        assert 0 < len(ROWS.entries) <= ROWS.size


class TestCollector:
    """A full collection's survivors are frozen at the next look, and only then."""

    def test_full_collections_are_counted(self) -> None:
        before = collector.full_collections()
        gc.collect()
        assert collector.full_collections() == before + 1

    async def test_survivors_of_a_full_collection_are_frozen(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[str] = []
        full = [7]
        monkeypatch.setattr(collector.gc, "collect", lambda *_: calls.append("collect") or 0)
        monkeypatch.setattr(collector.gc, "freeze", lambda: calls.append("freeze"))
        monkeypatch.setattr(collector, "full_collections", lambda: full[0])
        task = asyncio.create_task(settle_every(0.01))
        try:
            await asyncio.sleep(0.05)
            assert calls == ["collect", "freeze"]  # settled at start; no collection since
            full[0] += 1
            await asyncio.sleep(0.05)
            assert calls == ["collect", "freeze", "freeze"]
        finally:
            task.cancel()
