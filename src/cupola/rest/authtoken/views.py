"""``ObtainAuthToken``: a client posts a user name and password and gets its token back.

``app.add_url_rule("/api/token/", view_func=ObtainAuthToken.as_view("obtain-token"))``;
the credentials are checked by the app's ``Auth(app, authenticate=…)``, as
:class:`~cupola.rest.authentication.BasicAuthentication` checks them, and the answer is
``{"token": "<key>"}`` from :func:`~cupola.rest.authtoken.token_for`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cupola.auth.login import EXTENSION as AUTH_EXTENSION
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.authtoken import token_for
from cupola.rest.exceptions import ValidationError
from cupola.rest.parsers import FormParser, JSONParser, MultiPartParser
from cupola.rest.renderers import JSONRenderer
from cupola.rest.response import Response
from cupola.rest.views import APIView

__all__ = ["ObtainAuthToken"]

_REQUIRED = "This field is required."
_BLANK = "This field may not be blank."
_NOT_A_STRING = "Not a valid string."


class ObtainAuthToken(APIView):
    """``POST username=…&password=…`` (a form or JSON) → ``{"token": "<key>"}``.

    Field errors and refusals read as REST framework's ``AuthTokenSerializer``'s:
    ``{"username": ["This field is required."]}``, ``{"non_field_errors": ["Unable to log
    in with provided credentials."]}``. The view has no throttles and no permissions of
    its own; add throttles (a scoped rate) when the app's login throttle is not enough.
    """

    throttle_classes: Sequence[type[Any]] = ()
    permission_classes: Sequence[type[Any]] = ()
    parser_classes: Sequence[type[Any]] = (FormParser, MultiPartParser, JSONParser)
    renderer_classes: Sequence[type[Any]] = (JSONRenderer,)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        """Check the credentials; answer with the user's token, made if needed."""
        user = self.validate(request.data)
        return Response({"token": token_for(user).key})

    def validate(self, data: Any) -> Any:
        """The user the posted credentials belong to.

        Raises:
            ValidationError: For missing or blank fields, or wrong credentials.
            ImproperlyConfigured: When the app's ``Auth`` has no ``authenticate`` function.
        """
        if not hasattr(data, "get"):
            kind = type(data).__name__
            raise ValidationError(
                {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]},
                code="invalid",
            )
        errors: dict[str, list[str]] = {}
        username = _char_field(data, "username", trim=True, errors=errors)
        password = _char_field(data, "password", trim=False, errors=errors)
        if errors:
            raise ValidationError(errors)
        check = getattr(self.request.app.extensions.get(AUTH_EXTENSION), "authenticate", None)
        if check is None:
            raise ImproperlyConfigured(
                "ObtainAuthToken checks credentials with Auth(app, user_loader=..., "
                "authenticate=check); or override validate()."
            )
        user = check(username, password)
        if user is None or not getattr(user, "is_active", True):
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with provided credentials."]},
                code="authorization",
            )
        return user


def _char_field(data: Any, name: str, *, trim: bool, errors: dict[str, list[str]]) -> str:
    """A required string field as a serializer's ``CharField`` reads it."""
    if name not in data:
        errors[name] = [_REQUIRED]
        return ""
    value = data.get(name)
    if value is None:
        errors[name] = ["This field may not be null."]
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        errors[name] = [_NOT_A_STRING]
        return ""
    text = str(value)
    if text == "" or (trim and text.strip() == ""):
        errors[name] = [_BLANK]
        return ""
    return text.strip() if trim else text
