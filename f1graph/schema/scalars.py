"""Custom scalars of the graph, given to Strawberry through ``StrawberryConfig.scalar_map``.

The array scalars carry a whole telemetry channel as one value: their ``serialize`` hands the
numpy array over untouched, and the response encoder (:func:`dumps_json`, orjson with
``OPT_SERIALIZE_NUMPY``) writes it in one native call. That is what keeps 100,000 samples at a
few milliseconds instead of seconds (graphql-core spends microseconds per list item). Anything
that encodes a result holding these scalars must use :func:`dumps_json` (or pass
:data:`JSON_OPTIONS` to ``orjson.dumps``); :func:`jsonable` turns such a result into plain lists.
"""

from __future__ import annotations

from typing import Any, NewType

import numpy as np
import orjson
import strawberry

IntArray = NewType("IntArray", object)
FloatArray = NewType("FloatArray", object)
BoolArray = NewType("BoolArray", object)
DateTimeArray = NewType("DateTimeArray", object)
SegmentCodes = NewType("SegmentCodes", object)

# Naive datetime64 values are UTC: written as OpenF1 writes dates, "...T18:03:11.769000+00:00".
JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NAIVE_UTC


def dumps_json(data: object) -> bytes:
    """A GraphQL result as JSON bytes, array scalars included."""
    return orjson.dumps(data, option=JSON_OPTIONS)


def jsonable(data: Any) -> Any:
    """The result with every numpy array turned into plain JSON values (a slow path, for
    encoders other than :func:`dumps_json`)."""
    return orjson.loads(dumps_json(data))


def _array(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value if value.flags.c_contiguous else np.ascontiguousarray(value)
    return list(value)  # type: ignore[call-overload]


def _codes(value: object) -> object:
    # the record's own list (never mutated): written by the encoder, not copied
    return value if type(value) is list else list(value)  # type: ignore[call-overload]


def _dates(value: object) -> object:
    if isinstance(value, np.ndarray) and value.dtype.kind == "i":
        return np.ascontiguousarray(value).view("datetime64[ms]")
    return _array(value)


def _parse_list(kind: type) -> Any:
    def parse(value: object) -> list[Any]:
        if not isinstance(value, list):
            raise ValueError(f"Expected a list, not {type(value).__name__}.")
        return [kind(v) for v in value]

    return parse


SCALAR_MAP: dict[object, Any] = {
    IntArray: strawberry.scalar(
        name="IntArray",
        description="A list of integers, one per sample, carried as one value.",
        serialize=_array,
        parse_value=_parse_list(int),
    ),
    FloatArray: strawberry.scalar(
        name="FloatArray",
        description="A list of floating-point numbers, one per sample, carried as one value.",
        serialize=_array,
        parse_value=_parse_list(float),
    ),
    BoolArray: strawberry.scalar(
        name="BoolArray",
        description="A list of booleans, one per sample, carried as one value.",
        serialize=_array,
        parse_value=_parse_list(bool),
    ),
    SegmentCodes: strawberry.scalar(
        name="SegmentCodes",
        description=(
            "A sector's raw mini-sector codes in order, as a list of integers carried as one "
            "value; an item is null where OpenF1 recorded no code."
        ),
        serialize=_codes,
        parse_value=_parse_list(int),
    ),
    DateTimeArray: strawberry.scalar(
        name="DateTimeArray",
        description=(
            "A list of instants, one per sample, as ISO 8601 strings in UTC written like "
            "OpenF1's own dates: 2024-06-09T18:03:11.769000+00:00 (the fraction is left out "
            "when it is zero). For arithmetic, the same instants as epoch milliseconds are in "
            "the IntArray field dateMs."
        ),
        serialize=_dates,
        parse_value=_parse_list(str),
    ),
}
