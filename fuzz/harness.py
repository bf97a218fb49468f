"""What every atheris target shares: one app reading each parser, and a raw WSGI call.

Each ``fuzz_*.py`` target turns libFuzzer's bytes into one request, sends it through the
WSGI adapter with a hand-built environ (as a server hands it over) and fails on any answer
of 500 or more. Run one on demand, for as long as you like:

    python fuzz/fuzz_forms.py -max_total_time=600

``tests/fuzz/test_atheris_targets.py`` runs each briefly in CI.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import Any

from cupola import Cupola, request

STATIC = Path(__file__).parent / "static"

# A 500 is what the targets look for; its log entry would only flood the fuzzer's output.
logging.getLogger("cupola").setLevel(logging.CRITICAL)


def make_app() -> Cupola:
    """An app whose views read every request parser."""
    app = Cupola(
        __name__,
        static_folder=str(STATIC),
        config={"ALLOWED_HOSTS": ["*"], "PROPAGATE_EXCEPTIONS": False, "CSRF_ENABLED": False},
    )

    @app.route("/read", methods=["GET", "POST"])
    def read() -> dict[str, Any]:
        return {
            "headers": len(list(request.headers.items())),
            "cookies": len(request.cookies),
            "args": len(list(request.args.items(multi=True))),
            "url": request.url,
        }

    @app.post("/form")
    def form() -> dict[str, Any]:
        return {"fields": len(request.form), "files": [f.filename for f in request.files.values()]}

    @app.post("/json")
    def json() -> dict[str, Any]:
        return {"type": type(request.get_json(force=True)).__name__}

    return app


APP = make_app()


def call(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> int:
    """Send one request through the WSGI adapter; return its status."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
    }
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    status: list[int] = []
    result = APP(environ, lambda line, pairs, *_: status.append(int(line.split()[0])))
    b"".join(result)
    return status[0]


def check(status: int, what: object) -> None:
    """Fail the target on a 5xx answer."""
    if status >= 500:
        raise AssertionError(f"{status} for {what!r}")


def run(test_one_input: Any) -> None:
    """Start libFuzzer on ``test_one_input`` with the command line's options."""
    import atheris

    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
