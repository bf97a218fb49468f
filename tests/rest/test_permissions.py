"""Permissions and their operators (cupola/rest/permissions.py), against DRF 3.18's rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from cupola.auth.models import ANONYMOUS
from cupola.rest import permissions
from cupola.rest.permissions import (
    AND,
    NOT,
    OR,
    AllowAny,
    BasePermission,
    IsAdminUser,
    IsAuthenticated,
    IsAuthenticatedOrReadOnly,
    OperandHolder,
    SingleOperandHolder,
)


@dataclass
class Staff:
    is_staff: bool
    is_authenticated: bool = True


@dataclass
class FakeRequest:
    method: str = "GET"
    user: Any = ANONYMOUS


class Yes(BasePermission):
    pass


class No(BasePermission):
    message = "No."
    code = "no"

    def has_permission(self, request: Any, view: Any) -> bool:
        return False

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return False


class ObjectNo(BasePermission):
    """Grants the request, refuses every object."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return False


class RequestNo(BasePermission):
    """Refuses the request, grants every object (its object rule is never reached in OR)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return False


USER = Staff(is_staff=False)
ADMIN = Staff(is_staff=True)


@pytest.mark.parametrize(
    ("permission", "method", "user", "expected"),
    [
        (AllowAny, "POST", ANONYMOUS, True),
        (IsAuthenticated, "GET", ANONYMOUS, False),
        (IsAuthenticated, "GET", USER, True),
        (IsAdminUser, "GET", ANONYMOUS, False),
        (IsAdminUser, "GET", USER, False),
        (IsAdminUser, "GET", ADMIN, True),
        (IsAuthenticatedOrReadOnly, "GET", ANONYMOUS, True),
        (IsAuthenticatedOrReadOnly, "HEAD", ANONYMOUS, True),
        (IsAuthenticatedOrReadOnly, "OPTIONS", ANONYMOUS, True),
        (IsAuthenticatedOrReadOnly, "TRACE", ANONYMOUS, False),  # not safe for DRF
        (IsAuthenticatedOrReadOnly, "POST", ANONYMOUS, False),
        (IsAuthenticatedOrReadOnly, "DELETE", USER, True),
    ],
)
def test_the_classes(
    permission: type[BasePermission], method: str, user: Any, expected: bool
) -> None:
    assert permission().has_permission(FakeRequest(method, user), None) is expected


def test_a_user_without_is_staff_is_no_admin() -> None:
    class Plain:
        is_authenticated = True

    assert IsAdminUser().has_permission(FakeRequest(user=Plain()), None) is False


def test_base_permission_grants_both() -> None:
    assert BasePermission().has_permission(FakeRequest(), None) is True
    assert BasePermission().has_object_permission(FakeRequest(), None, object()) is True
    assert BasePermission.message is None and BasePermission.code is None


@pytest.mark.parametrize(
    ("composed", "request_ok", "object_ok"),
    [
        (Yes & No, False, False),
        (Yes & Yes, True, True),
        (Yes | No, True, True),
        (No | No, False, False),
        (~No, True, True),
        (~Yes, False, False),
        (Yes & ObjectNo, True, False),
        # OR on an object: a side counts only if it grants the request too (DRF 3.14+).
        (RequestNo | ObjectNo, True, False),
        (ObjectNo | Yes, True, True),
        (~(Yes & No), True, True),
        (Yes & ~No & ~~Yes, True, True),
        (No | (Yes & Yes), True, True),
    ],
)
def test_operators(composed: Any, request_ok: bool, object_ok: bool) -> None:
    permission = composed()
    assert permission.has_permission(FakeRequest(), None) is request_ok
    assert permission.has_object_permission(FakeRequest(), None, object()) is object_ok


def test_operators_build_classes_like_drf() -> None:
    assert isinstance(Yes & No, OperandHolder)
    assert isinstance(Yes | No, OperandHolder)
    assert isinstance(~Yes, SingleOperandHolder)
    assert isinstance((Yes & No)(), AND)
    assert isinstance((Yes | No)(), OR)
    assert isinstance((~Yes)(), NOT)
    assert (Yes & No) == (Yes & No) and hash(Yes & No) == hash(Yes & No)
    assert (Yes & No) != (No & Yes)
    assert repr(IsAuthenticated & ~IsAdminUser) == "(IsAuthenticated & ~IsAdminUser)"
    assert repr(Yes | No) == "(Yes | No)"


def test_operators_mix_classes_and_instances_of_holders() -> None:
    holder = Yes & No
    # Holder on the left, class on the right, and the reverse (__rand__/__ror__ paths).
    assert (holder | Yes)().has_permission(FakeRequest(), None) is True
    assert (Yes & holder)().has_permission(FakeRequest(), None) is False
    assert (No | holder)().has_permission(FakeRequest(), None) is False


def test_composed_permissions_have_no_message_as_in_drf() -> None:
    # DRF 3.18's AND/OR/NOT carry no message: the refusal reads as the default one.
    assert getattr((No & Yes)(), "message", None) is None
    assert No().message == "No." and No().code == "no"


def test_safe_methods_are_drfs() -> None:
    assert permissions.SAFE_METHODS == ("GET", "HEAD", "OPTIONS")
