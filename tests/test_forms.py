"""Forms on both protocols: binding, validation, the CSRF field, uploads and the field macro."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import wtforms

from cupola import Cupola, Response
from cupola.csrf import CsrfMiddleware, csrf_exempt, csrf_token
from cupola.forms import (
    BooleanField,
    FileAllowed,
    FileField,
    FileRequired,
    FileSize,
    Form,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    validators,
)
from cupola.sessions import SessionMiddleware
from cupola.templating import render_string
from cupola.testing import TestClient


class SignupForm(Form):
    name = StringField(
        "Name",
        [validators.InputRequired(), validators.Length(max=20)],
        description="As on your passport",
    )
    age = IntegerField("Age", [validators.Optional(), validators.NumberRange(min=0)])
    agree = BooleanField("I agree")
    tags = SelectMultipleField("Tags", choices=["a", "b"])


class NoCsrfForm(Form):
    class Meta:
        csrf = False

    name = StringField("Name", [validators.DataRequired()])


class UploadForm(Form):
    document = FileField(
        "Document", [FileRequired(), FileAllowed(["txt", ".MD"]), FileSize(max_size=10)]
    )
    images = MultipleFileField("Images", [FileAllowed(["png"]), FileSize(10, min_size=1)])


def outcome(form: Form) -> tuple[dict[str, Any], int]:
    """What the test views answer: the data when valid, the errors otherwise."""
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        return {"valid": True, "data": data}, 200
    return {"valid": False, "submitted": form.is_submitted(), "errors": form.errors}, 400


@pytest.fixture
def app(tmp_path: Path) -> Cupola:
    app = Cupola(
        __name__,
        config={"SECRET_KEY": "forms-secret", "TESTING": True},
        template_folder=str(tmp_path),
    )
    app.add_middleware(SessionMiddleware)
    app.add_middleware(CsrfMiddleware)

    @app.route("/signup", methods=["GET", "POST", "PUT"])
    def signup() -> Any:
        form = SignupForm()
        if form.is_submitted():
            return outcome(form)
        return render_string('<form method="post">{{ form.csrf_token }}</form>', form=form)

    @app.post("/self-checked")
    @csrf_exempt  # the form checks the token on its own
    def self_checked() -> Any:
        return outcome(SignupForm())

    @app.post("/upload")
    def upload() -> Any:
        form = UploadForm()
        if not form.validate_on_submit():
            return {"errors": form.errors}, 400
        images = [(f.filename, f.read()) for f in form.images.data if f.raw_filename]
        document = form.document.data
        return {"document": [document.filename, document.read().decode()], "images": len(images)}

    @app.get("/token")
    def token() -> str:
        return csrf_token()

    return app


def token_from_page(client: TestClient) -> str:
    html = client.get("/signup").text
    match = re.search(
        r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)">', html
    )
    assert match is not None, html
    return match[1]


# -- binding and validation ----------------------------------------------------------------


def test_csrf_token_field_is_rendered_and_accepted(client: TestClient) -> None:
    token = token_from_page(client)
    fields = {"csrf_token": token, "name": "Ada", "age": "36", "agree": "y", "tags": ["a", "b"]}
    response = client.post("/signup", data=fields)
    assert response.json() == {
        "valid": True,
        "data": {"name": "Ada", "age": 36, "agree": True, "tags": ["a", "b"]},
    }


def test_each_render_has_a_fresh_token(client: TestClient) -> None:
    first, second = token_from_page(client), token_from_page(client)
    assert first != second
    for token in (first, second):
        assert client.post("/signup", data={"csrf_token": token, "name": "A"}).status_code == 200


def test_validation_errors(client: TestClient) -> None:
    token = token_from_page(client)
    fields = {"csrf_token": token, "name": "x" * 21, "age": "-1", "tags": "c"}
    response = client.put("/signup", data=fields)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "age", "tags"}
    assert errors["name"] == ["Field cannot be longer than 20 characters."]
    missing = client.post("/signup", data={"csrf_token": token}).json()["errors"]
    assert missing == {"name": ["This field is required."]}


def test_form_checks_the_token_itself(app: Cupola, client: TestClient) -> None:
    token_from_page(client)
    response = client.post("/self-checked", data={"name": "Ada"})
    assert response.json()["errors"] == {"csrf_token": ["CSRF token missing"]}
    response = client.post("/self-checked", data={"name": "Ada", "csrf_token": "forged"})
    assert response.json()["errors"] == {"csrf_token": ["CSRF token incorrect"]}


def test_form_accepts_the_header_token(client: TestClient) -> None:
    token = token_from_page(client)
    response = client.post("/self-checked", data={"name": "Ada"}, headers={"X-CSRFToken": token})
    assert response.json()["valid"] is True


def test_form_needs_a_token_even_without_a_session(client: TestClient) -> None:
    """Login CSRF: a form posted with no session at all still carries no valid token."""
    response = client.post("/self-checked", data={"name": "Ada", "csrf_token": "x" * 86})
    assert response.json()["errors"] == {"csrf_token": ["CSRF token incorrect"]}


def test_json_body_binds(client: TestClient) -> None:
    token = client.get("/token").text
    body = {"name": "Ada", "age": 36, "agree": True, "tags": ["b"], "csrf_token": token}
    # The middleware takes a JSON request's token from the header only, the form from either.
    response = client.post("/signup", json=body, headers={"X-CSRFToken": token})
    assert response.json()["data"] == {"name": "Ada", "age": 36, "agree": True, "tags": ["b"]}
    response = client.post("/signup", json={"agree": False}, headers={"X-CSRFToken": token})
    assert response.json()["errors"] == {"name": ["This field is required."]}


@pytest.mark.parametrize(
    ("body", "data"),
    [
        ({"name": 5, "age": "36", "agree": "true"}, {"name": "5", "age": 36, "agree": True}),
        ({"name": 1.5, "agree": "false", "tags": None}, {"name": "1.5", "agree": False}),
        ({"name": "Ada", "age": None, "tags": ["a", None, "b"]}, {"tags": ["a", "b"]}),
        ({"name": [True, "Ada"], "agree": [False]}, {"name": "true", "agree": False}),
        ({"name": "Ada", "undeclared": {"kept": ["out"]}}, {"name": "Ada"}),
    ],
)
def test_json_values_bind_as_the_text_a_form_would_send(
    client: TestClient, body: dict[str, Any], data: dict[str, Any]
) -> None:
    token = client.get("/token").text
    response = client.post("/signup", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.text
    expected = {"name": "Ada", "age": None, "agree": False, "tags": [], **data}
    assert response.json()["data"] == expected


@pytest.mark.parametrize("value", [{"first": "Ada"}, [["Ada"]], ["Ada", {"x": 1}]])
def test_a_json_object_where_a_field_reads_text_is_400(client: TestClient, value: Any) -> None:
    token = client.get("/token").text
    response = client.post("/signup", json={"name": value}, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "The JSON field 'name' holds" in page
    assert "a form field takes strings, numbers, booleans or null" in page


def test_json_body_must_be_an_object(client: TestClient) -> None:
    token = client.get("/token").text
    response = client.post("/signup", json=["Ada"], headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "must be an object" in response.text


def test_safe_requests_do_not_bind(app: Cupola, client: TestClient) -> None:
    @app.get("/edit")
    def edit() -> dict[str, Any]:
        form = SignupForm(data={"name": "Default"})
        return {"name": form.name.data, "submitted": form.validate_on_submit()}

    assert client.get("/edit?name=Query").json() == {"name": "Default", "submitted": False}


def test_formdata_none_binds_nothing(app: Cupola, client: TestClient) -> None:
    @app.post("/unbound")
    def unbound() -> dict[str, Any]:
        form = SignupForm(formdata=None, obj=None, name="From code")
        return {"name": form.name.data, "submitted": form.is_submitted()}

    token = client.get("/token").text
    response = client.post("/unbound", data={"name": "Posted", "csrf_token": token})
    assert response.json() == {"name": "From code", "submitted": True}


def test_csrf_off_per_form(app: Cupola, client: TestClient) -> None:
    @app.post("/no-csrf")
    @csrf_exempt
    def no_csrf() -> dict[str, Any]:
        declared, passed = NoCsrfForm(), SignupForm(meta={"csrf": False})
        return {
            "fields": [list(declared._fields), "csrf_token" in passed],
            "valid": [declared.validate(), passed.validate()],
        }

    response = client.post("/no-csrf", data={"name": "Ada"})
    assert response.json() == {"fields": [["name"], False], "valid": [True, True]}


def test_csrf_off_for_the_app(client: TestClient, app: Cupola) -> None:
    app.config["CSRF_ENABLED"] = False
    response = client.post("/signup", data={"name": "Ada"})
    assert response.json()["valid"] is True
    assert "csrf_token" not in client.get("/signup").text


def test_custom_field_name(client: TestClient, app: Cupola) -> None:
    app.config["CSRF_FIELD_NAME"] = "_token"
    html = client.get("/signup").text
    token = re.search(r'name="_token" type="hidden" value="([^"]+)"', html)
    assert token is not None
    assert client.post("/signup", data={"_token": token[1], "name": "A"}).status_code == 200


def test_forms_outside_requests(app: Cupola) -> None:
    with app.app_context():
        form = NoCsrfForm(data={"name": "Ada"})
        assert form.name.data == "Ada"
        assert form.validate() is True
        assert form.is_submitted() is False
        with pytest.raises(RuntimeError, match="request context"):
            SignupForm()


def test_reexports() -> None:
    import cupola.forms

    assert cupola.forms.validators is wtforms.validators
    assert cupola.forms.StringField is wtforms.StringField
    for name in cupola.forms.__all__:
        assert hasattr(cupola.forms, name), name
    assert issubclass(Form, wtforms.Form)


# -- uploads -------------------------------------------------------------------------------


def post_files(client: TestClient, files: list[tuple[str, Any]]) -> Any:
    token = client.get("/token").text
    return client.post("/upload", data={"csrf_token": token}, files=files)


def test_valid_uploads(client: TestClient) -> None:
    files = [
        ("document", ("../notes.TXT", b"hello", "text/plain")),
        ("images", ("a.png", b"png1", "image/png")),
        ("images", ("b.PNG", b"png2", "image/png")),
    ]
    response = post_files(client, files)
    assert response.json() == {"document": ["notes.TXT", "hello"], "images": 2}
    markdown = [("document", ("readme.md", b"# hi", "text/markdown"))]
    assert post_files(client, markdown).status_code == 200


@pytest.mark.parametrize(
    ("files", "errors"),
    [
        ([], {"document": ["This field is required."]}),
        (
            [("document", ("notes.exe", b"MZ", "application/octet-stream"))],
            {"document": ["File type not allowed: use md, txt."]},
        ),
        (
            [("document", ("txt", b"no extension", "text/plain"))],
            {"document": ["File type not allowed: use md, txt."]},
        ),
        (
            [("document", ("big.txt", b"x" * 11, "text/plain"))],
            {"document": ["File size must be between 0 and 10 bytes."]},
        ),
        (
            [
                ("document", ("ok.txt", b"ok", "text/plain")),
                ("images", ("empty.png", b"", "image/png")),
            ],
            {"images": ["File size must be between 1 and 10 bytes."]},
        ),
        (
            [("document", ("ok.txt", b"ok", "text/plain")), ("images", ("a.gif", b"g", "x/y"))],
            {"images": ["File type not allowed: use png."]},
        ),
    ],
)
def test_invalid_uploads(
    client: TestClient, files: list[tuple[str, Any]], errors: dict[str, Any]
) -> None:
    response = post_files(client, files)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_empty_file_input_counts_as_no_file(client: TestClient) -> None:
    """A browser sends a file input left empty as a part with an empty file name."""
    token = client.get("/token").text
    boundary = "cupolaboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    response = client.post("/upload", content=body, headers=headers)
    assert response.json() == {"errors": {"document": ["This field is required."]}}


def test_file_validator_messages_can_be_replaced(app: Cupola, client: TestClient) -> None:
    class AvatarForm(Form):
        avatar = FileField(
            "Avatar",
            [
                FileRequired("Pick a picture."),
                FileAllowed(["png"], "Only {extensions}, please."),
                FileSize(3, message="{min_size} to {max_size} bytes."),
            ],
        )

    @app.post("/avatar")
    def avatar() -> Any:
        form = AvatarForm(meta={"csrf": False})
        return {"errors": form.errors if not form.validate() else {}}

    assert client.post("/avatar").json() == {"errors": {"avatar": ["Pick a picture."]}}
    jpeg = {"avatar": ("a.jpg", b"j", "image/jpeg")}
    assert client.post("/avatar", files=jpeg).json() == {
        "errors": {"avatar": ["Only png, please."]}
    }
    large = {"avatar": ("a.png", b"pngs", "image/png")}
    assert client.post("/avatar", files=large).json() == {"errors": {"avatar": ["0 to 3 bytes."]}}


# -- the field macro -------------------------------------------------------------------------


class ProfileForm(Form):
    class Meta:
        csrf = False

    name = StringField("Name", [validators.InputRequired()], description="Your full name")
    nickname = StringField("Nickname")
    subscribe = BooleanField("Subscribe", [validators.InputRequired()])
    color = RadioField("Color", choices=["red", "green"])
    secret = HiddenField()
    save = SubmitField("Save")


MACRO = """{% from "cupola/forms.html" import render_field %}
{%- for field in form %}{{ render_field(field, **attrs.get(field.name, {})) }}
{% endfor %}"""


def render_profile(app: Cupola, client: TestClient, data: dict[str, str], **attrs: Any) -> str:
    @app.post("/profile")
    def profile() -> str:
        form = ProfileForm()
        form.validate()
        return render_string(MACRO, form=form, attrs=attrs)

    response = client.post("/profile", data=data)
    assert response.status_code == 200
    return response.text


def test_macro_renders_label_input_help_and_errors(app: Cupola, client: TestClient) -> None:
    html = render_profile(app, client, {"nickname": "<b>ada</b>"}, nickname={"class_": "wide"})
    assert '<label class="form-label" for="name">Name</label>' in html
    assert (
        '<input aria-describedby="name-help name-errors" aria-invalid="true" '
        'class="form-control is-invalid" id="name" name="name" required type="text" value="">'
    ) in html
    assert '<div class="form-text" id="name-help">Your full name</div>' in html
    assert (
        '<div class="invalid-feedback" id="name-errors"><div>This field is required.</div></div>'
    ) in html
    # A valid field has no error markup, its value is escaped, and its classes add up.
    assert (
        '<input class="form-control wide" id="nickname" name="nickname" type="text" '
        'value="&lt;b&gt;ada&lt;/b&gt;">'
    ) in html
    assert "nickname-errors" not in html


def test_macro_renders_checkbox_radio_hidden_and_submit(app: Cupola, client: TestClient) -> None:
    html = render_profile(app, client, {"name": "Ada", "color": "red", "subscribe": "y"})
    assert (
        '<div class="mb-3 form-check">\n<input checked class="form-check-input" id="subscribe" '
        'name="subscribe" required type="checkbox" value="y">\n'
        '<label class="form-check-label" for="subscribe">Subscribe</label>'
    ) in html
    assert '<legend class="form-label fs-6">Color</legend>' in html
    assert (
        '<input checked class="form-check-input" id="color-0" name="color" type="radio" '
        'value="red">\n<label class="form-check-label" for="color-0">red</label>'
    ) in html
    assert '<input id="secret" name="secret" type="hidden" value="">' in html
    assert (
        '<input class="btn btn-primary" id="save" name="save" type="submit" value="Save">' in html
    )
    assert "aria-invalid" not in html and "is-invalid" not in html
    assert 'for="secret"' not in html and 'for="save"' not in html


def test_radio_errors_are_described_on_the_fieldset(app: Cupola, client: TestClient) -> None:
    html = render_profile(app, client, {"color": "purple"})
    assert '<fieldset class="mb-3" aria-describedby="color-errors">' in html
    assert 'class="form-check-input is-invalid" id="color-1"' in html
    assert (
        '<div class="invalid-feedback d-block" id="color-errors"><div>Not a valid choice.</div>'
    ) in html


def test_macro_keeps_a_given_aria_describedby(app: Cupola, client: TestClient) -> None:
    html = render_profile(app, client, {}, name={"aria_describedby": "rules"})
    assert 'aria-describedby="rules name-help name-errors"' in html


def test_app_templates_override_the_macro_file(
    app: Cupola, client: TestClient, tmp_path: Path
) -> None:
    (tmp_path / "cupola").mkdir()
    (tmp_path / "cupola" / "forms.html").write_text(
        "{% macro render_field(field) %}[{{ field.name }}]{% endmacro %}"
    )
    html = render_profile(app, client, {})
    assert "[name]" in html and "<label" not in html


def test_csrf_field_rendered_by_macro(app: Cupola, client: TestClient) -> None:
    @app.get("/macro-csrf")
    def macro_csrf() -> Response:
        source = (
            '{% from "cupola/forms.html" import render_field %}{{ render_field(form.csrf_token) }}'
        )
        return Response(render_string(source, form=SignupForm()))

    html = client.get("/macro-csrf").text
    assert re.fullmatch(
        r'<input id="csrf_token" name="csrf_token" type="hidden" value="[\w-]{86}">', html
    )


class DocumentForm(Form):
    class Meta:
        csrf = False

    title = StringField("Title", [validators.DataRequired(), validators.Length(max=10)])
    notes = TextAreaField("Notes", description="Shown <em>to staff</em> only")
    kind = SelectField("Kind", choices=["article", "book"])
    document = FileField("Document")


FORM_MACRO = """{% from "cupola/forms.html" import render_form %}
{{- render_form(form, action=url_for("document"), **options) }}"""


def render_document(app: Cupola, client: TestClient, data: dict[str, str], **options: Any) -> str:
    @app.post("/document")
    def document() -> str:
        form = DocumentForm()
        form.validate()
        return render_string(FORM_MACRO, form=form, options=options)

    response = client.post("/document", data=data)
    assert response.status_code == 200
    return response.text


def test_render_form_renders_every_field_and_a_button(app: Cupola, client: TestClient) -> None:
    html = render_document(app, client, {"title": '"><script>x</script>', "kind": "z"})
    assert html.startswith(
        '<form action="/document" method="post" enctype="multipart/form-data">'
    ), "a form with a file field is sent as multipart"
    assert 'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"' in html  # escaped
    assert 'class="form-control is-invalid" id="title" maxlength="10"' in html
    assert "Field cannot be longer than 10 characters." in html
    assert '<textarea aria-describedby="notes-help" class="form-control" id="notes"' in html
    assert "Shown &lt;em&gt;to staff&lt;/em&gt; only" in html
    assert 'class="form-select is-invalid" id="kind"' in html
    assert '<input class="form-control" id="document" name="document" type="file">' in html
    assert html.endswith('<button type="submit" class="btn btn-primary">Submit</button>\n</form>')


def test_render_form_options(app: Cupola, client: TestClient) -> None:
    html = render_document(
        app, client, {}, method="get", button="Send", button_class="btn btn-dark", novalidate=True
    )
    assert html.startswith(
        '<form action="/document" method="get" enctype="multipart/form-data" novalidate>'
    )
    assert '<button type="submit" class="btn btn-dark">Send</button>' in html


def test_render_form_puts_the_csrf_field_first_and_hidden(app: Cupola, client: TestClient) -> None:
    @app.get("/signup-page")
    def page() -> Response:
        source = '{% from "cupola/forms.html" import render_form %}{{ render_form(form) }}'
        return Response(render_string(source, form=SignupForm()))

    html = client.get("/signup-page").text
    assert re.match(
        r'<form action="" method="post">\n<input id="csrf_token" name="csrf_token" '
        r'type="hidden" value="[\w-]{86}">\n<div class="mb-3">',
        html,
    )
    assert html.count("<button") == 1
