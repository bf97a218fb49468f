"""Tagged JSON: JSON plus datetime, date, UUID, bytes, tuple and Markup, never pickle."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from cupola.sessions import tagged_json

VALUES: list[Any] = [
    None,
    True,
    0,
    -(10**30),
    1.5,
    "",
    "text with ~ and \u00e9 and \U0001f600",
    [],
    {},
    datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=UTC),
    datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
    datetime(2024, 5, 1),
    date(1999, 12, 31),
    uuid.UUID(int=0),
    uuid.uuid4(),
    b"",
    bytes(range(256)),
    (),
    (1,),
    (1, (2, (3,)), [4, (5,)]),
    Markup("<em>safe</em>"),
    {"~t": [1, 2]},
    {"~o": ["a", 1]},
    {"~": 1},
    {"~t": 1, "other": 2},
    {"key": {"~b": "not base64?"}},
    [{"~dt": "not a date"}],
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_round_trip(value: Any) -> None:
    text = tagged_json.dumps(value)
    assert isinstance(text, str)
    back = tagged_json.loads(text)
    assert back == value
    assert type(back) is type(value)


def test_round_trip_from_bytes() -> None:
    assert tagged_json.loads(tagged_json.dumps({"a": (1,)}).encode()) == {"a": (1,)}


def test_types_survive_at_any_depth() -> None:
    value = {"outer": [{"when": date(2024, 1, 1), "ids": (uuid.UUID(int=1),)}]}
    back = tagged_json.loads(tagged_json.dumps(value))
    inner = back["outer"][0]
    assert type(inner["when"]) is date
    assert type(inner["ids"]) is tuple
    assert type(inner["ids"][0]) is uuid.UUID


def test_output_is_compact_json() -> None:
    text = tagged_json.dumps({"a": [1, 2], "b": (3,)})
    assert text == '{"a":[1,2],"b":{"~t":[3]}}'
    assert json.loads(text) == {"a": [1, 2], "b": {"~t": [3]}}


@pytest.mark.parametrize("value", [{1, 2}, object(), Decimal("1.5"), {"a": [frozenset()]}])
def test_unsupported_types_are_named(value: Any) -> None:
    with pytest.raises(TypeError, match="cannot hold a"):
        tagged_json.dumps(value)


@pytest.mark.parametrize(
    "text",
    [
        "{",
        "not json",
        '{"~b": "***"}',
        '{"~b": 5}',
        '{"~u": "zz"}',
        '{"~u": 5}',
        '{"~dt": "yesterday"}',
        '{"~d": 5}',
        '{"~t": 5}',
        '{"~o": 5}',
        '{"~o": []}',
        '{"~o": [[1], 2]}',
    ],
)
def test_malformed_input_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        tagged_json.loads(text)


def test_unknown_tags_stay_plain_dicts() -> None:
    assert tagged_json.loads('{"~zz": 1}') == {"~zz": 1}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.uuids()
    | st.dates()
    | st.datetimes()
    | st.datetimes(timezones=st.just(UTC)),
    lambda children: (
        st.lists(children) | st.lists(children).map(tuple) | st.dictionaries(st.text(), children)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_supported_value_round_trips(value: Any) -> None:
    assert tagged_json.loads(tagged_json.dumps(value)) == value
