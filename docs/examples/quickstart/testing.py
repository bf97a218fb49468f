from cupola import Cupola

app = Cupola(__name__)


@app.get("/")
def index():
    return {"message": "hello"}


def test_index():
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"message": "hello"}
