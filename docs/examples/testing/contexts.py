from cupola import Cupola, current_app, g, request, url_for

app = Cupola(__name__, config={"TRUSTED_HEADER": "X-Real-IP"})


@app.get("/items/<int:item_id>")
def show(item_id):
    return {"id": item_id, "client": client_address()}


def client_address():
    return request.headers.get(current_app.config["TRUSTED_HEADER"]) or request.remote_addr


def test_client_address_prefers_the_header():
    with app.test_request_context("/", headers={"X-Real-IP": "203.0.113.9"}):
        assert client_address() == "203.0.113.9"


def test_client_address_falls_back_to_the_peer():
    with app.test_request_context("/items/3?full=1"):
        assert request.view_args == {"item_id": 3}
        assert request.args["full"] == "1"
        assert client_address() == "127.0.0.1"


def test_url_for_outside_a_view():
    with app.app_context():
        g.user = "ada"
        assert url_for("show", item_id=3) == "/items/3"
        assert g.user == "ada"
