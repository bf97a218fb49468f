from cupola import Cupola, JSONResponse, Middleware


def public(view):
    view.public = True
    return view


class RequireLogin(Middleware):
    def process_view(self, request, view_func, view_kwargs):
        if getattr(view_func, "public", False) or "Authorization" in request.headers:
            return None
        return JSONResponse({"detail": "Log in first."}, status=401)


class UpstreamErrors(Middleware):
    def process_exception(self, request, exception):
        if isinstance(exception, TimeoutError):
            return JSONResponse({"detail": "The catalogue did not answer."}, status=504)
        return None


app = Cupola(__name__)
app.add_middleware(RequireLogin)
app.add_middleware(UpstreamErrors)


@app.get("/")
@public
def index():
    return {"welcome": True}


@app.get("/catalogue")
def catalogue():
    raise TimeoutError("no answer after 5s")
