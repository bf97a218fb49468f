"""REST exceptions: details, codes, messages, and their answer outside a REST view."""

from __future__ import annotations

import pytest

from cupola import Cupola
from cupola import exceptions as core
from cupola.rest import exceptions
from cupola.rest.exceptions import ErrorDetail


def test_error_detail_compares_text_and_code() -> None:
    detail = ErrorDetail("Not found.", code="not_found")
    assert detail == "Not found."
    assert detail == ErrorDetail("Not found.", code="not_found")
    assert detail != ErrorDetail("Not found.", code="other")
    assert detail != "Missing."
    assert hash(detail) == hash("Not found.")
    assert repr(detail) == "ErrorDetail(string='Not found.', code='not_found')"


def test_default_detail_and_code() -> None:
    exc = exceptions.NotAuthenticated()
    assert exc.detail == "Authentication credentials were not provided."
    assert exc.get_codes() == "not_authenticated"
    assert exc.status_code == exc.code == 401
    assert str(exc) == "Authentication credentials were not provided."


def test_validation_error_normalises_to_list_or_dict() -> None:
    assert exceptions.ValidationError("bad").detail == ["bad"]
    assert exceptions.ValidationError(("a", "b")).detail == ["a", "b"]
    nested = exceptions.ValidationError({"title": ["This field is required."]}, code="required")
    assert nested.get_codes() == {"title": ["required"]}
    assert nested.get_full_details() == {
        "title": [{"message": "This field is required.", "code": "required"}]
    }
    assert exceptions.ValidationError().detail == ["Invalid input."]


def test_detail_keeps_codes_of_error_details() -> None:
    exc = exceptions.ValidationError([ErrorDetail("Too long.", code="max_length"), "Other."])
    assert exc.get_codes() == ["max_length", "invalid"]


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (exceptions.MethodNotAllowed("PUT"), 'Method "PUT" not allowed.'),
        (
            exceptions.UnsupportedMediaType("text/plain"),
            'Unsupported media type "text/plain" in request.',
        ),
        (exceptions.Throttled(), "Request was throttled."),
        (exceptions.Throttled(1), "Request was throttled. Expected available in 1 second."),
        (exceptions.Throttled(0.2), "Request was throttled. Expected available in 1 second."),
        (exceptions.Throttled(59.5), "Request was throttled. Expected available in 60 seconds."),
        (exceptions.NotAcceptable(), "Could not satisfy the request Accept header."),
        (exceptions.PermissionDenied(), "You do not have permission to perform this action."),
        (exceptions.NotFound(), "Not found."),
        (exceptions.ParseError(), "Malformed request."),
        (exceptions.AuthenticationFailed(), "Incorrect authentication credentials."),
        (exceptions.APIException(), "A server error occurred."),
    ],
)
def test_messages(exc: exceptions.APIException, message: str) -> None:
    assert exc.detail == message


def test_throttled_sets_retry_after() -> None:
    assert exceptions.Throttled(3.2).headers == [("Retry-After", "4")]
    assert exceptions.Throttled().headers == []
    assert exceptions.Throttled(3).wait == 3


def test_subclass_status_code_becomes_core_code() -> None:
    class ServiceUnavailable(exceptions.APIException):
        status_code = 503
        default_detail = "Try later."

    assert ServiceUnavailable().code == 503
    assert isinstance(ServiceUnavailable(), core.HTTPException)


def test_rest_errors_are_core_errors_of_their_status() -> None:
    assert isinstance(exceptions.NotFound(), core.NotFound)
    assert isinstance(exceptions.PermissionDenied(), core.Forbidden)
    assert isinstance(exceptions.ValidationError(), core.BadRequest)
    assert isinstance(exceptions.Throttled(), core.TooManyRequests)


def test_raised_outside_a_rest_view(app: Cupola, protocol: str) -> None:
    @app.route("/plain")
    def plain() -> str:
        raise exceptions.Throttled(5)

    @app.route("/missing")
    def missing() -> str:
        raise exceptions.NotFound("No book here.")

    @app.errorhandler(404)
    def not_found(exc: core.NotFound) -> tuple[str, int]:
        return f"handled: {exc.description}", 404

    with app.test_client(protocol) as client:  # type: ignore[arg-type]
        response = client.get("/plain")
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "5"
        assert "Request was throttled. Expected available in 5 seconds." in response.text
        response = client.get("/missing")
        assert response.status_code == 404
        assert response.text == "handled: No book here."
