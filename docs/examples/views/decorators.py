import functools

from cupola import Cupola, View, abort, request


def require_api_key(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if request.headers.get("X-Api-Key") != "letmein":
            abort(401)
        return view(*args, **kwargs)

    return wrapper


app = Cupola(__name__)


@app.get("/reports")
@require_api_key
def reports():
    return ["q1", "q2"]


class Settings(View):
    decorators = [require_api_key]

    def get(self, request):
        return {"theme": "dark"}


app.add_url_rule("/settings", view_func=Settings.as_view("settings"))
