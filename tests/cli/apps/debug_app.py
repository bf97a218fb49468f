"""An app reporting its debug flag, for `cupola run`."""

from __future__ import annotations

from cupola import Cupola, current_app

app = Cupola(__name__, config={"DEBUG": False}, static_folder=None)


@app.get("/")
def index() -> dict[str, bool]:
    return {"debug": current_app.debug}
