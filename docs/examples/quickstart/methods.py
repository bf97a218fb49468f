from cupola import Cupola, request

app = Cupola(__name__)


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        return f"Logging in as {request.form['username']}"
    return '<form method="post"><input name="username"><button>Log in</button></form>'


@app.get("/items")
def list_items():
    return ["apple", "pear"]


@app.post("/items")
def create_item():
    return {"created": request.json["name"]}, 201
