"""The browsable API's forms for every kind of field, and pages in unusual states."""

from __future__ import annotations

import datetime
import html
from pathlib import Path
from typing import Any

import pytest

from cupola import Cupola
from cupola.rest import generics, renderers, serializers
from cupola.rest.browsable.forms import form_fields
from cupola.rest.response import Response
from cupola.rest.views import APIView
from tests.rest.browsable_app import build_app
from tests.rest.test_browsable import HTML, csrf_of, log_in, section

REST: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": [renderers.JSONRenderer, renderers.BrowsableAPIRenderer],
}
MEETING = datetime.datetime(2026, 3, 4, 5, 6, 7)


class UnlistedRelation(serializers.PrimaryKeyRelatedField):
    """A relation whose rows depend on something only a real submit has."""

    def get_queryset(self) -> Any:
        raise KeyError("account")


class Address(serializers.Serializer):
    city = serializers.CharField()


class Signup(serializers.Serializer):
    tags = serializers.MultipleChoiceField(choices=["red", "blue"])
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    address = Address(required=False)
    password = serializers.CharField(style={"input_type": "password"}, write_only=True)
    bio = serializers.CharField(
        style={"base_template": "textarea.html"}, max_length=500, required=False
    )
    meet_at = serializers.DateTimeField(initial=MEETING, required=False)
    newsletter = serializers.ChoiceField(choices=[(True, "Yes"), (False, "No")], initial=True)
    team = UnlistedRelation(required=False)
    age = serializers.IntegerField(required=False)
    token = serializers.HiddenField(default="t")


class SignupView(generics.GenericAPIView):
    serializer_class = Signup

    def get(self, request: Any) -> Response:
        return Response({"signed": 0})

    def post(self, request: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"signed": 1}, status=201)


class NeedsOwner(serializers.Serializer):
    title = serializers.CharField()

    def __init__(self, *args: Any, owner: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner


class NeedsOwnerView(generics.GenericAPIView):
    serializer_class = NeedsOwner

    def get(self, request: Any) -> Response:
        return Response({"owner": None})

    def post(self, request: Any) -> Response:
        return Response(None, status=201)


class Checked(serializers.Serializer):
    title = serializers.CharField()


class CheckedView(generics.GenericAPIView):
    """Refuses a post before reading it when ``?dry`` is given, or with a plain message."""

    serializer_class = Checked

    def get(self, request: Any) -> Response:
        return Response(None)

    def post(self, request: Any) -> Response:
        if "dry" in request.args:
            return Response({"detail": "No dry runs."}, status=400)
        return Response({"title": "Taken, pick another."}, status=400)


class Accepted(APIView):
    def get(self, request: Any) -> Response:
        return Response({"queued": True}, status=299)


@pytest.fixture
def client() -> Any:
    app = Cupola(__name__, config={"REST": REST, "LOGIN_URL": None})
    app.add_url_rule("/signup", view_func=SignupView.as_view())
    app.add_url_rule("/owned", view_func=NeedsOwnerView.as_view())
    app.add_url_rule("/checked", view_func=CheckedView.as_view())
    app.add_url_rule("/accepted", view_func=Accepted.as_view())
    with app.test_client() as client:
        yield client


def test_each_field_kind_has_its_widget(client: Any) -> None:
    form = section(client.get("/signup", headers=HTML).text, "form-post")
    assert '<select id="form-post-tags" name="tags" multiple>' in form
    assert '<option value="red">red</option>' in form
    # Lists, dicts and nested serializers are edited in the raw data form only.
    assert form.count("This field cannot be edited in an HTML form") == 2
    assert '<input type="password" id="form-post-password" name="password" value="">' in form
    assert '<textarea id="form-post-bio" name="bio" maxlength="500"></textarea>' in form
    # A datetime initial value, as the datetime-local input reads it (to the minute).
    assert 'type="datetime-local" id="form-post-meet_at" name="meet_at"' in form
    assert 'value="2026-03-04T05:06"' in form
    # Boolean choices are written as the field reads them back.
    assert '<option value="True" selected>Yes</option>' in form
    assert '<option value="False">No</option>' in form
    # A relation whose rows cannot be listed here is an empty select, not a broken page.
    team = form[form.index('id="form-post-team"') :]
    assert team[: team.index("</select>")].count("<option") == 1  # only the empty choice
    assert 'type="number" id="form-post-age" name="age" value="" step="1">' in form
    assert 'name="token"' not in form  # hidden fields are the server's, not the user's


def test_failed_submit_keeps_every_chosen_option(client: Any) -> None:
    failed = client.post("/signup", data={"tags": ["red", "blue"], "password": "pw"}, headers=HTML)
    assert failed.status_code == 400
    form = section(failed.text, "form-post")
    assert '<option value="red" selected>red</option>' in form
    assert '<option value="blue" selected>blue</option>' in form
    assert '<input type="password" id="form-post-password" name="password" value="pw">' in form
    assert '<p class="error">This field is required.</p>' in form  # newsletter
    created = client.post(
        "/signup", data={"tags": ["red", "blue"], "password": "pw", "newsletter": "False"}
    )
    assert created.status_code == 201


def test_failed_json_submit_shows_nested_errors(client: Any) -> None:
    body = {"tags": ["blue"], "password": "pw", "newsletter": False, "address": "Paris"}
    failed = client.post("/signup", json=body, headers=HTML)
    assert failed.status_code == 400
    form = html.unescape(section(failed.text, "form-post"))
    assert '<option value="blue" selected>blue</option>' in form
    assert '<option value="False" selected>No</option>' in form
    expected = "non_field_errors: Invalid data. Expected a dictionary, but got str."
    assert f'<p class="error">{expected}</p>' in form


def test_serializer_the_view_cannot_build_gives_an_empty_form(client: Any) -> None:
    page = client.get("/owned", headers=HTML)
    assert page.status_code == 200
    form = section(page.text, "form-post")
    assert 'class="field' not in form  # no inputs, only the button
    assert '<button type="submit" class="button primary">POST</button>' in form
    assert 'id="raw-form"' not in page.text


def test_plain_field_messages_and_unread_bodies(client: Any) -> None:
    refused = client.post("/checked", data={"title": "Dune"}, headers=HTML)
    assert refused.status_code == 400
    form = section(refused.text, "form-post")
    assert '<p class="error">Taken, pick another.</p>' in form
    assert 'name="title" value="Dune"' in form
    # Refused before the body was read, and the body does not parse: the page still shows.
    dry = client.post(
        "/checked?dry=1",
        data=b"{",
        headers={**HTML, "Content-Type": "application/json"},
    )
    assert dry.status_code == 400
    assert '<p class="error non-field">No dry runs.</p>' in dry.text
    assert 'name="title" value=""' in section(dry.text, "form-post")


def test_empty_answer_unknown_status_and_no_login_link(client: Any) -> None:
    empty = client.get("/checked", headers=HTML).text
    assert '<code class="content"></code>' in empty
    assert "Log in" not in empty  # LOGIN_URL unset: no link
    odd = client.get("/accepted", headers=HTML).text
    assert "<b>HTTP 299</b>" in odd


@pytest.mark.parametrize(
    ("login_url", "link"),
    [("login", '<a href="/login?next=%2Fpage" class="login">'), ("nowhere", None)],
)
def test_login_url_as_an_endpoint_name(login_url: str, link: str | None) -> None:
    app = Cupola(__name__, config={"REST": REST, "LOGIN_URL": login_url})
    app.add_url_rule("/login", "login", lambda: "form")
    app.add_url_rule("/page", view_func=Accepted.as_view())
    with app.test_client() as client:
        text = client.get("/page", headers=HTML).text
    if link is None:
        assert "Log in" not in text  # an endpoint the app does not have: no link
    else:
        assert link in text


def test_unparsable_raw_submit_to_a_missing_object(tmp_path: Path) -> None:
    app, db = build_app(f"sqlite:///{tmp_path / 'browsable.db'}")
    try:
        with app.test_client() as client:
            log_in(client)
            token = csrf_of(client.get("/api/books/1/", headers=HTML).text)
            raw = {"_method": "PUT", "_content_type": "application/json", "_content": "{"}
            failed = client.post("/api/books/99/", data={**raw, "csrf_token": token}, headers=HTML)
            assert failed.status_code == 400
            assert "JSON parse error" in failed.text
            # No such book: no form to edit or delete it.
            assert 'id="form-put"' not in failed.text and 'value="DELETE"' not in failed.text
    finally:
        with app.app_context():
            db.session.remove()
            db.dispose()


def test_form_fields_without_values() -> None:
    class Book(serializers.Serializer):
        title = serializers.CharField(label="Title of the book", help_text="As printed.")
        shelves = serializers.MultipleChoiceField(choices=["a", "b"])

    rows = form_fields(Book())
    assert [(row.name, row.label, row.value) for row in rows] == [
        ("title", "Title of the book", ""),
        ("shelves", "Shelves", []),
    ]
    assert rows[0].help_text == "As printed." and rows[0].required
