from __future__ import annotations

import uuid

import pytest

from cupola.exceptions import NotFound
from cupola.routing import (
    DEFAULT_CONVERTERS,
    AnyConverter,
    BaseConverter,
    FloatConverter,
    IntegerConverter,
    LookupConverter,
    PathConverter,
    Router,
    Rule,
    SlugConverter,
    StringConverter,
    UUIDConverter,
    ValidationError,
)


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(ValidationError, ValueError)


def test_default_converters_names() -> None:
    assert set(DEFAULT_CONVERTERS) == {
        "default",
        "string",
        "str",
        "int",
        "float",
        "path",
        "uuid",
        "slug",
        "lookup",
        "any",
    }
    assert DEFAULT_CONVERTERS["default"] is StringConverter
    assert DEFAULT_CONVERTERS["str"] is StringConverter


def test_weights_order_specific_converters_first() -> None:
    order: list[type[BaseConverter]] = [
        AnyConverter,
        UUIDConverter,
        IntegerConverter,
        SlugConverter,
        LookupConverter,
        StringConverter,
    ]
    weights = [cls.weight for cls in order]
    assert weights == sorted(weights)
    assert FloatConverter.weight == IntegerConverter.weight
    assert PathConverter.weight > StringConverter.weight
    assert PathConverter.part_isolating is False
    assert all(cls.part_isolating for cls in order)


# --- BaseConverter -----------------------------------------------------------------------


def test_base_converter_takes_no_arguments() -> None:
    BaseConverter()
    with pytest.raises(TypeError, match="takes no arguments"):
        BaseConverter(1)
    with pytest.raises(TypeError, match="takes no arguments"):
        BaseConverter(x=1)


def test_base_converter_accepts_any_non_empty_text() -> None:
    converter = BaseConverter()
    assert converter.to_python("anything at all") == "anything at all"
    with pytest.raises(ValidationError):
        converter.to_python("")


def test_base_converter_to_url_quotes_reserved_characters() -> None:
    converter = BaseConverter()
    assert converter.to_url("a b/c?d#e%") == "a%20b%2Fc%3Fd%23e%25"
    assert converter.to_url("caf\u00e9") == "caf%C3%A9"
    assert converter.to_url("a:b@c+d,e;f=g!h$i&j'k(l)m*") == "a:b@c+d,e;f=g!h$i&j'k(l)m*"
    assert converter.to_url(5) == "5"
    with pytest.raises(ValidationError):
        converter.to_url("")


def test_subclass_with_custom_to_python() -> None:
    class HexConverter(BaseConverter):
        def to_python(self, value: str) -> int:
            try:
                return int(value, 16)
            except ValueError:
                raise ValidationError("not hexadecimal") from None

    assert HexConverter().to_python("ff") == 255


# --- StringConverter ---------------------------------------------------------------------


def test_string_defaults() -> None:
    converter = StringConverter()
    assert converter.to_python("x") == "x"
    assert converter.to_python("h\u00e9llo w\u00f6rld") == "h\u00e9llo w\u00f6rld"
    with pytest.raises(ValidationError, match="shorter than 1"):
        converter.to_python("")


def test_string_bounds() -> None:
    converter = StringConverter(minlength=2, maxlength=3)
    assert converter.to_python("ab") == "ab"
    assert converter.to_python("abc") == "abc"
    with pytest.raises(ValidationError, match="shorter"):
        converter.to_python("a")
    with pytest.raises(ValidationError, match="longer than 3"):
        converter.to_python("abcd")


def test_string_exact_length_overrides_bounds() -> None:
    converter = StringConverter(minlength=5, maxlength=9, length=2)
    assert converter.to_python("fr") == "fr"
    for value in ("f", "fra"):
        with pytest.raises(ValidationError):
            converter.to_python(value)


def test_string_minlength_zero_accepts_empty() -> None:
    assert StringConverter(minlength=0).to_python("") == ""


def test_string_to_url_checks_length_and_quotes() -> None:
    converter = StringConverter(maxlength=5)
    assert converter.to_url("a b") == "a%20b"
    assert converter.to_url("a/b") == "a%2Fb"
    with pytest.raises(ValidationError):
        converter.to_url("toolong")
    with pytest.raises(ValidationError):
        StringConverter().to_url("")


# --- IntegerConverter --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("42", 42), ("007", 7)])
def test_int_accepts_ascii_digits(text: str, number: int) -> None:
    assert IntegerConverter().to_python(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "1_000",
        "1.0",
        "0x10",
        "\u0663",  # ARABIC-INDIC DIGIT THREE
        "\u00b2",  # SUPERSCRIPT TWO
        "\uff11",  # FULLWIDTH DIGIT ONE
        "abc",
    ],
)
def test_int_rejects_everything_else(text: str) -> None:
    with pytest.raises(ValidationError):
        IntegerConverter().to_python(text)


def test_int_rejects_values_beyond_64_bits() -> None:
    converter = IntegerConverter()
    assert converter.to_python(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValidationError, match="outside"):
        converter.to_python(str(2**63))
    with pytest.raises(ValidationError):
        converter.to_python("99999999999999999999999")


def test_int_signed_bounds() -> None:
    converter = IntegerConverter(signed=True)
    assert converter.to_python("-5") == -5
    assert converter.to_python("5") == 5
    assert converter.to_python(str(-(2**63))) == -(2**63)
    for text in (str(-(2**63) - 1), "-", "--1", "+5", "-\u0663"):
        with pytest.raises(ValidationError):
            converter.to_python(text)


def test_int_explicit_larger_max_allows_big_values() -> None:
    converter = IntegerConverter(max=10**30)
    assert converter.to_python("99999999999999999999999") == 99999999999999999999999


def test_int_too_many_digits_for_python_is_rejected() -> None:
    converter = IntegerConverter(max=10**10000)
    with pytest.raises(ValidationError, match="too many digits"):
        converter.to_python("9" * 5000)


def test_int_min_max() -> None:
    converter = IntegerConverter(min=1, max=99)
    assert converter.to_python("1") == 1
    assert converter.to_python("99") == 99
    for text in ("0", "100"):
        with pytest.raises(ValidationError, match=r"outside 1\.\.99"):
            converter.to_python(text)


def test_int_fixed_digits() -> None:
    converter = IntegerConverter(fixed_digits=4)
    assert converter.to_python("0042") == 42
    for text in ("42", "00042"):
        with pytest.raises(ValidationError, match="not 4 digits"):
            converter.to_python(text)
    signed = IntegerConverter(fixed_digits=2, signed=True)
    assert signed.to_python("-07") == -7


def test_int_to_url() -> None:
    converter = IntegerConverter()
    assert converter.to_url(42) == "42"
    assert converter.to_url("42") == "42"
    assert IntegerConverter(fixed_digits=4).to_url(7) == "0007"
    assert IntegerConverter(fixed_digits=4).to_url("7") == "0007"
    assert IntegerConverter(fixed_digits=3, signed=True).to_url(-7) == "-007"
    assert IntegerConverter(signed=True).to_url("-7") == "-7"


@pytest.mark.parametrize("value", ["abc", "", "\u0663", "1.5", 1.5, True, None, [1]])
def test_int_to_url_rejects_non_integers(value: object) -> None:
    with pytest.raises(ValidationError, match="expected an integer"):
        IntegerConverter().to_url(value)


def test_int_to_url_rejects_values_that_would_not_match() -> None:
    with pytest.raises(ValidationError):
        IntegerConverter().to_url(-1)
    with pytest.raises(ValidationError):
        IntegerConverter().to_url(2**63)
    with pytest.raises(ValidationError):
        IntegerConverter(fixed_digits=2).to_url(123)
    with pytest.raises(ValidationError):
        IntegerConverter(min=10).to_url("5")


# --- FloatConverter ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [("1.5", 1.5), ("0.0", 0.0), ("10.25", 10.25)])
def test_float_accepts_digits_dot_digits(text: str, number: float) -> None:
    assert FloatConverter().to_python(text) == number


@pytest.mark.parametrize(
    "text",
    ["1", ".5", "1.", "-1.5", "+1.5", "1e5", "1.5e3", "nan", "inf", "1,5", "\u0661.\u0665", ""],
)
def test_float_rejects_everything_else(text: str) -> None:
    with pytest.raises(ValidationError):
        FloatConverter().to_python(text)


def test_float_rejects_overflow_to_infinity() -> None:
    with pytest.raises(ValidationError, match="too large"):
        FloatConverter().to_python("9" * 400 + ".0")


def test_float_signed_and_bounds() -> None:
    converter = FloatConverter(min=-1.5, max=2.0, signed=True)
    assert converter.to_python("-1.5") == -1.5
    assert converter.to_python("2.0") == 2.0
    for text in ("-1.6", "2.1"):
        with pytest.raises(ValidationError, match="outside"):
            converter.to_python(text)
    assert FloatConverter(min=1.0).to_python("5.0") == 5.0
    assert FloatConverter(max=1.0).to_python("0.5") == 0.5


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (3, "3.0"),
        (1e-05, "0.00001"),
        (1e16, "10000000000000000.0"),
        (5e-324, "0." + "0" * 323 + "5"),
        ("2.5", "2.5"),
    ],
)
def test_float_to_url_writes_positional_notation(value: object, text: str) -> None:
    converter = FloatConverter()
    assert converter.to_url(value) == text
    assert converter.to_python(text) == float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), 10**400, True, None, "1e5", "abc", -1.5]
)
def test_float_to_url_rejects(value: object) -> None:
    with pytest.raises(ValidationError):
        FloatConverter().to_url(value)


def test_float_to_url_signed() -> None:
    assert FloatConverter(signed=True).to_url(-2.25) == "-2.25"


# --- PathConverter -----------------------------------------------------------------------


def test_path_accepts_slashes_and_rejects_empty() -> None:
    converter = PathConverter()
    assert converter.to_python("a/b/c.txt") == "a/b/c.txt"
    with pytest.raises(ValidationError):
        converter.to_python("")


def test_path_to_url_keeps_slashes() -> None:
    assert PathConverter().to_url("docs/a b/\u00e9.txt") == "docs/a%20b/%C3%A9.txt"


# --- UUIDConverter -----------------------------------------------------------------------

_UUID = uuid.UUID("12345678-1234-5678-9abc-def012345678")


@pytest.mark.parametrize("text", [str(_UUID), str(_UUID).upper()])
def test_uuid_accepts_canonical_form_in_any_case(text: str) -> None:
    assert UUIDConverter().to_python(text) == _UUID


@pytest.mark.parametrize(
    "text",
    [
        _UUID.hex,
        "{" + str(_UUID) + "}",
        "urn:uuid:" + str(_UUID),
        str(_UUID)[:-1],
        str(_UUID) + "0",
        str(_UUID).replace("1", "g"),
        str(_UUID).replace("1", "\uff11"),
    ],
)
def test_uuid_rejects_other_forms(text: str) -> None:
    with pytest.raises(ValidationError):
        UUIDConverter().to_python(text)


def test_uuid_to_url() -> None:
    converter = UUIDConverter()
    assert converter.to_url(_UUID) == str(_UUID)
    assert converter.to_url(str(_UUID).upper()) == str(_UUID)
    for value in ("nope", 5, None):
        with pytest.raises(ValidationError):
            converter.to_url(value)


# --- SlugConverter -----------------------------------------------------------------------


def test_slug() -> None:
    converter = SlugConverter()
    assert converter.to_python("hello-world_2") == "hello-world_2"
    for text in ("", "a b", "caf\u00e9", "a.b", "a/b"):
        with pytest.raises(ValidationError):
            converter.to_python(text)
    assert converter.to_url("my-post") == "my-post"
    with pytest.raises(ValidationError):
        converter.to_url("not a slug")


# --- LookupConverter ---------------------------------------------------------------------


def test_lookup_matches_a_segment_without_dots() -> None:
    converter = LookupConverter()
    assert converter.to_python("42") == "42"
    assert converter.to_python("caf\u00e9 au-lait_1") == "caf\u00e9 au-lait_1"
    for text in ("", "1.json", "a.b", "."):
        with pytest.raises(ValidationError):
            converter.to_python(text)
    assert converter.to_url("a b") == "a%20b"
    with pytest.raises(ValidationError):
        converter.to_url("1.5")


def test_lookup_rule_leaves_a_suffix_unmatched() -> None:
    router = Router()
    router.add(Rule("/books/<lookup:pk>", endpoint="detail"))
    rule, values = router.match("/books/7", "GET")
    assert (rule.endpoint, values) == ("detail", {"pk": "7"})
    with pytest.raises(NotFound):
        router.match("/books/7.json", "GET")


# --- AnyConverter ------------------------------------------------------------------------


def test_any() -> None:
    converter = AnyConverter("about", "help")
    assert converter.to_python("about") == "about"
    with pytest.raises(ValidationError, match=r"not one of \['about', 'help'\]"):
        converter.to_python("imprint")
    assert converter.to_url("help") == "help"
    with pytest.raises(ValidationError):
        converter.to_url("imprint")


def test_any_quotes_items_when_building() -> None:
    assert AnyConverter("a b").to_url("a b") == "a%20b"


@pytest.mark.parametrize("items", [(), (1, 2), ("a", None)])
def test_any_needs_words(items: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="one or more words"):
        AnyConverter(*items)  # type: ignore[arg-type]
