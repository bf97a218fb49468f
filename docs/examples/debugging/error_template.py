from cupola import Cupola, abort

# templates/error.html is ERROR_TEMPLATE's default name: every error page uses it.
app = Cupola(__name__)


@app.get("/members")
def members():
    abort(401)


@app.get("/")
def home():
    return "home"
