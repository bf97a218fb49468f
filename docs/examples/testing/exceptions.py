import pytest

from cupola import Cupola

app = Cupola(__name__, config={"TESTING": True})


@app.get("/ratio/<int:a>/<int:b>")
def ratio(a, b):
    return {"ratio": a / b}


def test_errors_fail_the_test():
    client = app.test_client()
    assert client.get("/ratio/1/4").json() == {"ratio": 0.25}
    with pytest.raises(ZeroDivisionError):
        client.get("/ratio/1/0")


def test_the_user_sees_a_500(monkeypatch):
    monkeypatch.setitem(app.config, "TESTING", False)
    client = app.test_client()
    assert client.get("/ratio/1/0").status_code == 500
