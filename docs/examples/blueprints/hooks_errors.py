import uuid

from cupola import Blueprint, Cupola, abort, g, request

admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def staff_only():
    if request.headers.get("X-Role") != "staff":
        abort(403)


@admin.errorhandler(403)
def forbidden(exc):
    return {"detail": "Staff only."}, 403


@admin.get("/stats")
def stats():
    return {"users": 42}


@admin.get("/users/<int:user_id>")
def user(user_id):
    abort(404)


tracing = Blueprint("tracing", __name__)


@tracing.before_app_request
def assign_request_id():
    g.request_id = uuid.uuid4().hex


@tracing.after_app_request
def send_request_id(response):
    response.headers["X-Request-Id"] = g.request_id
    return response


app = Cupola(__name__)
app.register_blueprint(admin)
app.register_blueprint(tracing)


@app.get("/")
def home():
    return "home"


@app.errorhandler(404)
def not_found(exc):
    return "Nothing here.", 404
