from __future__ import annotations

import dataclasses
import enum
import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cupola.exceptions import BadRequest, HTTPException
from cupola.http import json
from cupola.http.json import MAX_DEPTH, dumps, loads


def _nested(depth: int, open_: str = "[", close: str = "]", inner: str = "") -> str:
    return open_ * depth + inner + close * depth


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b'{"a": [1, 2.5, "x", true, null]}', {"a": [1, 2.5, "x", True, None]}),
        ('{"caf\\u00e9": "\\ud83d\\ude00"}', {"café": "😀"}),
        ("[]", []),
        (b'"\xc3\xa9"', "é"),
        ("18446744073709551615", 2**64 - 1),
        # orjson reads integers beyond 64 bits as floats.
        ("1" * 300, float("1" * 300)),
    ],
)
def test_loads(document: bytes | str, expected: Any) -> None:
    assert loads(document) == expected


def _bad_request(document: bytes | str) -> str:
    with pytest.raises(BadRequest) as info:
        loads(document)
    assert info.value.code == 400
    return info.value.description


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b'{"a": [1, 2', "Invalid JSON: unexpected end of data at character 11."),
        (b'{"a" 1}', "Invalid JSON: unexpected character, expected ':' after key at character 5."),
        (b"[1,]", "Invalid JSON: trailing comma is not allowed at character 2."),
        (b'{"a": 1} x', "Invalid JSON: unexpected content after document at character 9."),
        ("[1, é]", "Invalid JSON: unexpected character, expected a JSON value at character 4."),
        (b"", "The JSON body is empty."),
        (b"   ", "The JSON body is empty."),
        (b"NaN", "NaN and Infinity are not valid JSON numbers."),
        (b"[1, Infinity]", "NaN and Infinity are not valid JSON numbers."),
        (b"[-Infinity]", "NaN and Infinity are not valid JSON numbers."),
        (b'{"a": NaN}', "NaN and Infinity are not valid JSON numbers."),
        (b'"\\ud800"', "The JSON body contains an unpaired UTF-16 surrogate escape."),
        (b'"\\udc00"', "The JSON body contains an unpaired UTF-16 surrogate escape."),
        (b'["\\ud800\\u0041"]', "The JSON body contains an unpaired UTF-16 surrogate escape."),
        ('"\ud800"', "The JSON body is not valid UTF-8."),
        (b'"\xff"', "The JSON body is not valid UTF-8."),
        (b'"\xed\xa0\x80"', "The JSON body is not valid UTF-8."),
        (b"[" + b"1" * 4301 + b"]", "A number in the JSON body is too large."),
        (b"-" + b"9" * 5000, "A number in the JSON body is too large."),
        (b"1e400", "A number in the JSON body is too large."),
    ],
)
def test_loads_rejects(document: bytes | str, message: str) -> None:
    assert _bad_request(document) == message


DEPTH_MESSAGE = f"The JSON body is nested deeper than {MAX_DEPTH} levels."


@pytest.mark.parametrize(
    "document",
    [
        _nested(MAX_DEPTH + 1),
        _nested(MAX_DEPTH + 1, '{"k":', "}", "1"),
        _nested(MAX_DEPTH + 1, '[{"a":', "}]", "0"),
        _nested(MAX_DEPTH + 1, '["x\\\\",', "]", '"y\\""'),
        _nested(2000),
        "[" + "[],".join([""] * 200) + _nested(MAX_DEPTH) + "]",
    ],
)
def test_loads_rejects_deep_nesting(document: str) -> None:
    assert _bad_request(document) == DEPTH_MESSAGE
    assert _bad_request(document.encode()) == DEPTH_MESSAGE


@pytest.mark.parametrize(
    "document",
    [
        _nested(MAX_DEPTH),
        _nested(MAX_DEPTH // 2, '{"k":', "}", "1"),
        # Brackets inside strings do not nest, escaped quotes do not end strings.
        '["' + "[" * 300 + '", "\\"' + "{" * 300 + '"]',
        '["\\\\", "\\\\\\"[[[", ' + ", ".join(['"]]]"'] * 200) + "]",
        "[" + ",".join(["[[1]]"] * 500) + "]",
    ],
)
def test_loads_accepts_depth_up_to_the_limit(document: str) -> None:
    assert loads(document) is not None


tricky_strings = st.text(alphabet='[]{}"\\/ab', max_size=6)


@settings(max_examples=100)
@given(
    layers=st.lists(st.tuples(st.booleans(), tricky_strings), min_size=120, max_size=136),
    leaf=tricky_strings,
)
def test_depth_limit_is_exact(layers: list[tuple[bool, str]], leaf: str) -> None:
    value: Any = leaf
    for is_list, text in layers:
        value = [text, value, [text]] if is_list else {"k" + text: value, "": {}}
    # The innermost layer holds an empty container beside the leaf: one level more.
    depth = len(layers) + 1
    document = dumps(value)
    if depth > MAX_DEPTH:
        assert _bad_request(document) == DEPTH_MESSAGE
    else:
        assert loads(document) == value


def _best_time(function: Any, argument: bytes) -> float:
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        function(argument)
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_depth_check_costs_less_than_parsing() -> None:
    # Many chains just under the limit: the worst case for the quick passes.
    chain = _nested(MAX_DEPTH - 1, inner="1")
    document = ("[" + ",".join([chain] * 4000) + "]").encode()
    assert _best_time(loads, document) < 2 * _best_time(orjson.loads, document)


@settings(max_examples=300)
@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_loads_raises_only_bad_request(data: bytes) -> None:
    try:
        loads(data)
    except HTTPException as exc:
        assert exc.code == 400


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(json_values)
def test_round_trip(value: Any) -> None:
    assert loads(dumps(value)) == value


class Colour(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Point:
    x: int
    y: int


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents

    def __json__(self) -> Any:
        return {"cents": self.cents, "tags": {"eur"}}


def test_dumps_conversions() -> None:
    value = {
        "when": datetime(2024, 5, 6, 7, 8, 9),
        "day": date(2024, 5, 6),
        "id": uuid.UUID(int=1),
        "point": Point(1, 2),
        "colour": Colour.RED,
        "price": Decimal("10.50"),
        "set": {3},
        "frozen": frozenset(["a"]),
        "money": Money(150),
        1: "int key",
    }
    assert loads(dumps(value)) == {
        "when": "2024-05-06T07:08:09",
        "day": "2024-05-06",
        "id": "00000000-0000-0000-0000-000000000001",
        "point": {"x": 1, "y": 2},
        "colour": "red",
        "price": "10.50",
        "set": [3],
        "frozen": ["a"],
        "money": {"cents": 150, "tags": ["eur"]},
        "1": "int key",
    }


def test_dumps_is_compact_bytes() -> None:
    assert dumps({"a": [1, None]}) == b'{"a":[1,null]}'


class Opaque:
    pass


def test_dumps_unknown_type_names_it() -> None:
    with pytest.raises(TypeError, match="not JSON serializable: Opaque") as info:
        dumps({"x": Opaque()})
    assert str(info.value.__cause__) == "Object of type Opaque is not JSON serializable"


def test_dumps_integer_beyond_64_bits() -> None:
    with pytest.raises(TypeError, match="64-bit"):
        dumps(2**64)


def test_module_does_not_shadow_stdlib_json() -> None:
    assert json.__name__ == "cupola.http.json"
