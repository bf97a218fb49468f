from pathlib import Path

from cupola import Cupola, current_app


class Defaults:
    ITEMS_PER_PAGE = 20
    MAIL = {"HOST": "localhost", "PORT": 25}
    helper_value = "ignored: only upper-case names are configuration"


app = Cupola(__name__)
app.config.from_object(Defaults)
app.config.from_file(Path(__file__).parent / "settings.toml", silent=True)
app.config.from_env(prefix="BOOKS_")


@app.get("/settings")
def settings():
    config = current_app.config
    return {
        "debug": config["DEBUG"],
        "items_per_page": config["ITEMS_PER_PAGE"],
        "mail": config["MAIL"],
        "server_name": config["SERVER_NAME"],
    }
