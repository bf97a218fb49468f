from cupola import Cupola, JSONResponse

app = Cupola(__name__)

USERS = {1: {"id": 1, "name": "Ada"}, 2: {"id": 2, "name": "Grace"}}


@app.get("/users")
def users():
    return list(USERS.values())


@app.get("/me")
def me():
    return USERS[1]


@app.post("/users")
def create_user():
    return JSONResponse({"id": 3}, status=201, headers={"Location": "/users/3"})
