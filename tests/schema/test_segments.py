"""A lap's ``Segment``s are built once per lap record: while the dataset is unchanged, every
request reuses them (and their completed answer); a refreshed dataset builds them anew."""

from __future__ import annotations

from typing import Any

from f1graph.openf1 import LAPS
from f1graph.runtime import Context, build_services
from f1graph.schema import schema
from f1graph.schema.lap import Lap
from f1graph.settings import Settings
from tests.data import DATA_DIR
from tests.execution.shadow import Shadow

RACE = 11253
QUERY = """query Segments($k: Int!) { session(sessionKey: $k) {
  laps(driverNumber: 1, lapNumber: 5) { lapNumber segments { sector index code status } } } }"""

_field = Lap.__strawberry_definition__.get_field("segments")  # type: ignore[attr-defined]
assert _field is not None and _field.base_resolver is not None
segments_of = _field.base_resolver.wrapped_func


async def answer(context: Context) -> Any:
    result = await schema.execute(QUERY, variable_values={"k": RACE}, context_value=context)
    assert result.errors is None, result.errors
    (lap,) = result.data["session"]["laps"]
    return lap["segments"]


class TestSegmentsPerDatasetVersion:
    async def test_reused_until_the_dataset_is_refreshed(self, shadow: Shadow) -> None:
        services = build_services(Settings(source=DATA_DIR))
        try:
            first_context, second_context = Context(services), Context(services)
            first = await answer(first_context)
            second = await answer(second_context)
            lap = (await first_context.session(RACE).rows(LAPS))[0]
            assert lap is (await second_context.session(RACE).rows(LAPS))[0]  # one record
            assert segments_of(lap) is segments_of(lap)  # Segment objects built once
            assert second is first  # and completed once: the same answer, shared
            assert {s["sector"] for s in first} == {1, 2, 3}
            assert all(s["status"] for s in first)

            await services.evict_session(RACE)  # the next request parses the dataset anew
            third_context = Context(services)
            third = await answer(third_context)
            fresh = (await third_context.session(RACE).rows(LAPS))[0]
            assert fresh is not lap and fresh == lap
            assert segments_of(fresh) is not segments_of(lap)
            assert segments_of(fresh) == segments_of(lap)
            assert third == first and third is not first
        finally:
            await services.aclose()
        assert shadow.compared == ["Segments"] * 3
