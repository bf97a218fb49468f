from cupola import Blueprint, Cupola, request, url_for

users = Blueprint("users", __name__, url_prefix="/users")


@users.get("/<int:user_id>")
def show(user_id):
    return {"endpoint": request.endpoint, "url": url_for(".show", user_id=user_id)}


v1 = Blueprint("v1", __name__, url_prefix="/v1")
v1.register_blueprint(users)

api = Blueprint("api", __name__, url_prefix="/api")
api.register_blueprint(v1)

localized = Blueprint("localized", __name__, url_prefix="/<any(en, fr):lang>")


@localized.get("/welcome")
def welcome(lang):
    return {"en": "Welcome", "fr": "Bienvenue"}[lang]


pages = Blueprint("pages", __name__)


@pages.get("/about")
def about():
    return {"endpoint": request.endpoint}


app = Cupola(__name__)
app.register_blueprint(api)
app.register_blueprint(localized)
app.register_blueprint(pages, url_prefix="/site")
app.register_blueprint(pages, url_prefix="/legacy", name="legacy_pages")
