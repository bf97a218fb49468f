"""Data shared by every benchmark app, so each framework does the same work."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
JINJA_DIR = HERE / "templates"
DJANGO_DIR = HERE / "django_templates"

PLAINTEXT = "Hello, World!"
MESSAGE = {"message": "Hello, World!"}
ROUTE_COUNT = 100
FORM_FIELDS = tuple(f"f{i}" for i in range(10))

# Sessions and CSRF: GET /login puts USER in a new signed-cookie session and answers
# {"field": <the framework's CSRF form field>, "token": <a CSRF token for that session>};
# GET /session answers session_text(session["user"]).
SECRET_KEY = "bench-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]  # the harness sends Host: 127.0.0.1:<port>
USER = "alice"


def session_text(user):
    return f"Hello, {user}!"

# 20 rows; every name needs escaping so autoescape does real work.
ROWS = [
    {"id": i, "name": f"Widget {i} <Deluxe> & Co", "price": round(i * 3.75 + 0.99, 2)}
    for i in range(1, 21)
]
