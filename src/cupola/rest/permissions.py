"""Permissions: may this request, and this object, be served? Each policy answers one question.

A view lists permission classes in ``permission_classes``; each gives ``has_permission`` for
the request and ``has_object_permission`` for an object the view fetched. Classes combine
with ``&``, ``|`` and ``~`` into new classes, as in DRF: ``IsAuthenticated & ~IsAdminUser``.
A refusal to an anonymous request is a 401, to a user a 403 (decided by the view).
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AND",
    "NOT",
    "OR",
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
    "OperandHolder",
    "SingleOperandHolder",
]

#: Methods that only read (DRF's set: TRACE is not among them).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _Composable:
    """``&``, ``|`` and ``~`` on permission classes and on what they build."""

    def __and__(self, other: Any) -> OperandHolder:
        return OperandHolder(AND, self, other)

    def __or__(self, other: Any) -> OperandHolder:
        return OperandHolder(OR, self, other)

    def __rand__(self, other: Any) -> OperandHolder:
        return OperandHolder(AND, other, self)

    def __ror__(self, other: Any) -> OperandHolder:
        return OperandHolder(OR, other, self)

    def __invert__(self) -> SingleOperandHolder:
        return SingleOperandHolder(NOT, self)


class OperandHolder(_Composable):
    """``A & B`` or ``A | B``: called like a class, it builds the combined permission.

    Args:
        operator_class: :class:`AND` or :class:`OR`.
        op1_class: The left permission class (or holder).
        op2_class: The right permission class (or holder).
    """

    def __init__(self, operator_class: type[AND | OR], op1_class: Any, op2_class: Any) -> None:
        self.operator_class = operator_class
        self.op1_class = op1_class
        self.op2_class = op2_class

    def __call__(self, *args: Any, **kwargs: Any) -> AND | OR:
        """Make both permissions and combine them."""
        return self.operator_class(self.op1_class(*args, **kwargs), self.op2_class(*args, **kwargs))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, OperandHolder)
            and self.operator_class is other.operator_class
            and self.op1_class == other.op1_class
            and self.op2_class == other.op2_class
        )

    def __hash__(self) -> int:
        return hash((self.operator_class, self.op1_class, self.op2_class))

    def __repr__(self) -> str:
        sign = "&" if self.operator_class is AND else "|"
        return f"({_name(self.op1_class)} {sign} {_name(self.op2_class)})"


class SingleOperandHolder(_Composable):
    """``~A``: called like a class, it builds the negated permission.

    Args:
        operator_class: :class:`NOT`.
        op1_class: The permission class (or holder) to negate.
    """

    def __init__(self, operator_class: type[NOT], op1_class: Any) -> None:
        self.operator_class = operator_class
        self.op1_class = op1_class

    def __call__(self, *args: Any, **kwargs: Any) -> NOT:
        """Make the permission and negate it."""
        return self.operator_class(self.op1_class(*args, **kwargs))

    def __repr__(self) -> str:
        return f"~{_name(self.op1_class)}"


class AND:
    """Both permissions must grant, for the request and for the object.

    Like DRF's operators it has no ``message``: a refusal reads as the default one.
    """

    def __init__(self, op1: Any, op2: Any) -> None:
        self.op1 = op1
        self.op2 = op2

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether both grant the request."""
        return bool(
            self.op1.has_permission(request, view) and self.op2.has_permission(request, view)
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        """Whether both grant the object."""
        return bool(
            self.op1.has_object_permission(request, view, obj)
            and self.op2.has_object_permission(request, view, obj)
        )


class OR:
    """Either permission grants.

    For an object, one side must grant both the request and the object: ``IsAdminUser |
    IsOwner`` does not let a non-admin through because ``IsAdminUser`` has no object rule
    (``has_object_permission`` is ``True`` by default), as in DRF 3.14 and later.
    """

    def __init__(self, op1: Any, op2: Any) -> None:
        self.op1 = op1
        self.op2 = op2

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether either grants the request."""
        return bool(
            self.op1.has_permission(request, view) or self.op2.has_permission(request, view)
        )

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        """Whether either grants both the request and the object."""
        return bool(
            (
                self.op1.has_permission(request, view)
                and self.op1.has_object_permission(request, view, obj)
            )
            or (
                self.op2.has_permission(request, view)
                and self.op2.has_object_permission(request, view, obj)
            )
        )


class NOT:
    """The permission must refuse."""

    def __init__(self, op1: Any) -> None:
        self.op1 = op1

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether the permission refuses the request."""
        return not self.op1.has_permission(request, view)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        """Whether the permission refuses the object."""
        return not self.op1.has_object_permission(request, view, obj)


# NOTE: a metaclass, so that the classes themselves combine (IsAuthenticated | IsAdminUser),
# which is DRF's documented spelling; it adds operators and nothing else.
# (type's own `|` builds typing unions; permission classes mean OR by it.)
class _PermissionMeta(_Composable, type):  # type: ignore[misc]  # `|` deliberately overridden
    pass


class BasePermission(metaclass=_PermissionMeta):
    """Base class of permissions: override one or both methods.

    Attributes:
        message: The ``detail`` of the 403 when this permission refuses (``None``: DRF's
            "You do not have permission to perform this action.").
        code: The error code of that detail (``None``: ``"permission_denied"``).

    Example:
        >>> class IsOwner(BasePermission):
        ...     message = "Only the owner may do that."
        ...     def has_object_permission(self, request, view, obj):
        ...         return obj.owner_id == request.user.id
        >>> IsAuthenticated & IsOwner
        (IsAuthenticated & IsOwner)
    """

    message: ClassVar[str | None] = None
    code: ClassVar[str | None] = None

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether the request may proceed; ``True`` unless overridden."""
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        """Whether the request may act on ``obj``; ``True`` unless overridden."""
        return True


class AllowAny(BasePermission):
    """Every request may proceed (the same as no permission, said explicitly)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        """Always ``True``."""
        return True


class IsAuthenticated(BasePermission):
    """Only an authenticated user may proceed."""

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether ``request.user`` is authenticated."""
        return _authenticated(request)


class IsAdminUser(BasePermission):
    """Only a staff user (``user.is_staff`` true) may proceed.

    Users without an ``is_staff`` attribute, the anonymous one included, are refused.
    """

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether ``request.user.is_staff`` is true."""
        user = getattr(request, "user", None)
        return bool(user and getattr(user, "is_staff", False))


class IsAuthenticatedOrReadOnly(BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); only an authenticated user may write."""

    def has_permission(self, request: Any, view: Any) -> bool:
        """Whether the method is safe or the user is authenticated."""
        return request.method in SAFE_METHODS or _authenticated(request)


def _authenticated(request: Any) -> bool:
    user = getattr(request, "user", None)
    return bool(user and getattr(user, "is_authenticated", False))


def _name(operand: Any) -> str:
    return operand.__name__ if isinstance(operand, type) else repr(operand)
