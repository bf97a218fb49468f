import pytest

from cupola import Cupola, redirect

app = Cupola(__name__)


@app.get("/hello")
def hello(request):
    return {"hello": request.args.get("name", "world")}


@app.post("/login")
def login(request):
    if request.form.get("password") != "hunter2":
        return {"error": "Wrong password."}, 401
    response = redirect("/dashboard")
    response.set_cookie("user", request.form["user"], httponly=True)
    return response


@app.get("/dashboard")
def dashboard(request):
    return {"user": request.cookies.get("user")}


@pytest.fixture
def client():
    with app.test_client() as client:
        yield client


def test_query_string(client):
    response = client.get("/hello", query={"name": "Ada"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"hello": "Ada"}


def test_wrong_password(client):
    response = client.post("/login", data={"user": "ada", "password": "guess"})
    assert response.status_code == 401


def test_login_sets_a_cookie_and_redirects(client):
    response = client.post("/login", data={"user": "ada", "password": "hunter2"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert client.cookies["user"] == "ada"
    assert client.get("/dashboard").json() == {"user": "ada"}


def test_follow_redirects(client):
    response = client.post(
        "/login", data={"user": "ada", "password": "hunter2"}, follow_redirects=True
    )
    assert response.json() == {"user": "ada"}
