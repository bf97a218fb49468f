"""The ready-made token model and ``cupola createtoken`` (cupola/rest/authtoken/)."""

from __future__ import annotations

import json
import re
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import String, inspect, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.auth import Auth, UserMixin, authenticate, hash_password
from cupola.cli.main import cli
from cupola.db import Database
from cupola.exceptions import ImproperlyConfigured
from cupola.rest.authtoken import create_token_model, find_token_model, generate_key, token_for
from cupola.rest.authtoken.views import ObtainAuthToken

APP = """
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from cupola import Cupola
from cupola.auth import Auth, UserMixin, authenticate, hash_password
from cupola.db import Database
from cupola.rest.authtoken import create_token_model

app = Cupola(__name__, config={{"DATABASE_URL": "sqlite:///{db}"}})
db = Database(app)


class Account(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)


Token = create_token_model(db, Account, username_field="login")

with app.app_context():
    db.create_all()
    db.session.add(Account(login="ada"))
    db.session.commit()
    db.session.remove()
"""


def make(tmp_path: Path) -> tuple[Cupola, Database, type[Any], type[Any]]:
    app = Cupola(__name__, config={"DATABASE_URL": f"sqlite:///{tmp_path / 'tokens.db'}"})
    db = Database(app)

    class User(UserMixin, db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(50))

    token = create_token_model(db, User)
    with app.app_context():
        db.create_all()
    return app, db, User, token


def test_the_model_has_drfs_columns(tmp_path: Path) -> None:
    app, db, user_model, token_model = make(tmp_path)
    table = token_model.__table__
    assert table.name == "authtoken_token"
    assert [column.name for column in table.primary_key] == ["key"]
    assert table.c.key.type.length == 40
    assert table.c.user_id.unique and not table.c.user_id.nullable
    assert {fk.column.table.name for fk in table.c.user_id.foreign_keys} == {"user"}
    assert "created" in table.c
    assert token_model.__name__ == "Token"
    assert token_model.__module__ == user_model.__module__
    with app.app_context():
        ada = user_model(username="ada")
        db.session.add(ada)
        token = token_model(user=ada)
        db.session.add(token)
        db.session.commit()
        assert re.fullmatch(r"[0-9a-f]{40}", token.key)
        assert token.created is not None
        assert ada.auth_token is token
        assert repr(token) == f"<Token of user {ada.id}>"
        db.session.delete(ada)  # a user's token goes with it
        db.session.commit()
        assert db.session.execute(select(token_model)).first() is None


def test_generate_key_is_random_hex() -> None:
    keys = {generate_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(re.fullmatch(r"[0-9a-f]{40}", key) for key in keys)


def test_find_token_model(tmp_path: Path) -> None:
    app, _, _, token_model = make(tmp_path)
    assert find_token_model(app) is token_model
    assert find_token_model(app) is token_model  # kept on the app after the first search
    bare = Cupola(__name__)
    with pytest.raises(ImproperlyConfigured, match="set its `model` attribute"):
        find_token_model(bare)
    Database(bare)
    with pytest.raises(ImproperlyConfigured, match="create_token_model"):
        find_token_model(bare)


def test_two_token_models_must_be_chosen_explicitly(tmp_path: Path) -> None:
    app, db, user_model, _ = make(tmp_path)
    create_token_model(db, user_model, class_name="ApiKey", tablename="api_key")
    with pytest.raises(ImproperlyConfigured, match="found several"):
        find_token_model(app)


def test_a_declarative_base_works_too(tmp_path: Path) -> None:
    db = Database()

    class Person(db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)

    token_model = create_token_model(db.Model, Person, tablename="person_token")
    assert token_model.__table__.name == "person_token"
    assert inspect(token_model).relationships["user"].mapper.class_ is Person


def test_a_user_model_needs_one_primary_key_column() -> None:
    db = Database()

    class Pair(db.Model):  # type: ignore[name-defined, misc]
        a: Mapped[int] = mapped_column(primary_key=True)
        b: Mapped[int] = mapped_column(primary_key=True)

    with pytest.raises(ImproperlyConfigured, match="one primary-key column; Pair has 2"):
        create_token_model(db, Pair)


def test_token_for_makes_one_token_per_user_and_resets_it(tmp_path: Path) -> None:
    app, db, user_model, token_model = make(tmp_path)
    with app.app_context():
        ada = user_model(username="ada")
        db.session.add(ada)
        db.session.commit()
        first = token_for(ada)
        key = first.key
        assert token_for(ada).key == key
        assert token_for(ada, reset=True).key != key
        assert db.session.execute(select(token_model)).scalars().all() != []
        assert len(db.session.execute(select(token_model)).scalars().all()) == 1


# -- the command ------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A folder with an app module of a unique name; yields the ``--app`` spec."""
    name = f"tokens_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(APP.format(db=tmp_path / "tokens.db"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CUPOLA_APP", raising=False)
    yield name
    sys.modules.pop(name, None)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_createtoken(project: str) -> None:
    made = run("createtoken", "--app", project, "ada")
    assert made.exit_code == 0
    match = re.fullmatch(r"Generated token ([0-9a-f]{40}) for user ada\n", made.output)
    assert match is not None
    again = run("createtoken", "--app", project, "ada")
    assert again.output == made.output  # the same token
    reset = run("createtoken", "--app", project, "ada", "--reset")
    assert reset.exit_code == 0 and match.group(1) not in reset.output
    module = sys.modules[project]
    with module.app.app_context():
        tokens = module.db.session.execute(select(module.Token)).scalars().all()
        assert [token.key for token in tokens] == [reset.output.split()[2]]
        module.db.session.remove()


def test_createtoken_errors(project: str, tmp_path: Path) -> None:
    missing = run("createtoken", "--app", project, "zed")
    assert missing.exit_code == 1
    assert "Cannot create the Token: user zed does not exist" in missing.output
    plain = f"plain_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{plain}.py").write_text("from cupola import Cupola\napp = Cupola(__name__)\n")
    try:
        unset = run("createtoken", "--app", plain, "ada")
    finally:
        sys.modules.pop(plain, None)
    assert unset.exit_code == 1 and "create_token_model" in unset.output


def test_createtoken_help_lists_it() -> None:
    assert "createtoken" in run("--help").output
    assert "--reset" in run("createtoken", "--help").output


# -- ObtainAuthToken, against DRF ----------------------------------------------------------

OBTAIN_CASES = json.loads((Path(__file__).parent / "fixtures/policies_authtoken.json").read_text())


@pytest.fixture
def token_app(tmp_path: Path) -> Iterator[Cupola]:
    app = Cupola(
        __name__,
        config={
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "PASSWORD_HASH_PARAMS": {"n": 2**8, "r": 8, "p": 1},
            "DATABASE_URL": f"sqlite:///{tmp_path / 'obtain.db'}",
        },
    )
    db = Database(app)

    class Person(UserMixin, db.Model):  # type: ignore[name-defined, misc]
        id: Mapped[int] = mapped_column(primary_key=True)
        username: Mapped[str] = mapped_column(String(50))
        password_hash: Mapped[str] = mapped_column(String(200))
        is_active: Mapped[bool] = mapped_column(default=True)  # type: ignore[assignment]

    token_model = create_token_model(db, Person)  # kept: SQLAlchemy holds models weakly

    def lookup(username: str) -> Any:
        return db.session.execute(select(Person).where(Person.username == username)).scalar()

    Auth(
        app, user_loader=lambda user_id: None, authenticate=lambda u, p: authenticate(u, p, lookup)
    )
    with app.app_context():
        db.create_all()
        hashed = hash_password("secret")
        db.session.add_all(
            [
                Person(username="root", password_hash=hashed),
                Person(username="bob", password_hash=hashed, is_active=False),
            ]
        )
        db.session.commit()
        db.session.remove()
    app.add_url_rule("/api-token/", view_func=ObtainAuthToken.as_view("obtain-token"))
    yield app
    with app.app_context():
        db.dispose()
    del token_model


@pytest.mark.parametrize("case", sorted(OBTAIN_CASES))
def test_obtain_auth_token_answers_as_drf(token_app: Cupola, protocol: str, case: str) -> None:
    expected = OBTAIN_CASES[case]
    sent = expected["request"]
    with token_app.test_client(protocol) as client:  # type: ignore[arg-type]
        kwargs = {"json": sent["json"]} if "json" in sent else {}
        response = client.request(sent["method"], sent["path"], **kwargs)
    assert response.status_code == expected["status"]
    body = response.json()
    if "token" in expected["body"]:
        assert re.fullmatch(r"[0-9a-f]{40}", body["token"])
        with token_app.app_context():
            model = find_token_model(token_app)
            keys = token_app.extensions["cupola.db"].session.execute(select(model.key)).scalars()
            assert list(keys) == [body["token"]]
        body["token"] = "<key>"
    assert body == expected["body"]
    for name in ("Allow", "Content-Type"):
        assert response.headers.get(name) == expected["headers"].get(name)


def test_obtain_auth_token_reads_forms_and_gives_the_same_token(
    token_app: Cupola, protocol: str
) -> None:
    with token_app.test_client(protocol) as client:  # type: ignore[arg-type]
        first = client.post("/api-token/", data={"username": "root", "password": "secret"})
        again = client.post("/api-token/", json={"username": "root", "password": "secret"})
    assert first.status_code == 200
    assert first.json() == again.json()


def test_obtain_auth_token_needs_a_credential_check(tmp_path: Path, protocol: str) -> None:
    app = Cupola(__name__, config={"TESTING": True})
    app.add_url_rule("/api-token/", view_func=ObtainAuthToken.as_view("obtain-token"))
    client = app.test_client(protocol)  # type: ignore[arg-type]
    with client, pytest.raises(ImproperlyConfigured, match="authenticate=check"):
        client.post("/api-token/", json={"username": "a", "password": "b"})
