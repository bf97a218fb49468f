"""Masking: secret-looking names hide their values everywhere debug output shows them."""

from __future__ import annotations

from typing import Any

import pytest

from cupola.config import Config
from cupola.debug.masking import MASK, is_secret, masked_items, masked_url, safe_repr


@pytest.mark.parametrize(
    "name",
    ["SECRET_KEY", "api_key", "password", "X-CSRFToken", "Cookie", "Authorization", "oauth"],
)
def test_secret_names(name: str) -> None:
    assert is_secret(name)


@pytest.mark.parametrize("name", ["user", "title", "session", "page", "next"])
def test_other_names(name: str) -> None:
    assert not is_secret(name)


def test_safe_repr_masks_keys_inside_values() -> None:
    config = Config({"SECRET_KEY": "k1", "DEBUG": True})
    shown = safe_repr("config", config)
    assert "k1" not in shown and "'SECRET_KEY': '********'" in shown and "'DEBUG': True" in shown
    nested = safe_repr("data", [{"user": "ada", "auth": {"token": "t"}}])
    assert nested == "[{'user': 'ada', 'auth': '********'}]"
    assert safe_repr("password", "x") == MASK
    assert safe_repr("empty", {}) == "{}"


def test_safe_repr_is_bounded_and_survives_broken_reprs() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise ValueError("no repr")

    class Long:
        def __repr__(self) -> str:
            return "x" * 5000

    assert safe_repr("value", Broken()) == "<Broken instance; repr() raised ValueError>"
    assert len(safe_repr("value", Long())) <= 300
    assert len(safe_repr("value", "y" * 5000)) <= 1000
    deep: dict[str, Any] = {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}
    assert "..." in safe_repr("deep", deep)
    many = {f"k{i}": i for i in range(100)}
    assert safe_repr("many", many).endswith("...}")


def test_masked_items_and_urls() -> None:
    assert masked_items([("Accept", "*/*"), ("Authorization", "Bearer x")]) == [
        ("Accept", "*/*"),
        ("Authorization", MASK),
    ]
    assert masked_url("/a?page=2&api_key=s3cret&q=a%20b") == "/a?page=2&api_key=********&q=a+b"
    assert masked_url("/plain") == "/plain"
