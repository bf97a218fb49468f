from cupola import Cupola, Middleware, TemplateResponse, request

calls = []


class Traced(Middleware):
    name = "Traced"

    def process_request(self, request):
        calls.append(f"{self.name}.process_request")
        if request.args.get("stop") == self.name:
            return f"stopped by {self.name}"
        return None

    def process_view(self, request, view_func, view_kwargs):
        calls.append(f"{self.name}.process_view")

    def process_exception(self, request, exception):
        calls.append(f"{self.name}.process_exception")

    def process_template_response(self, request, response):
        calls.append(f"{self.name}.process_template_response")
        return response

    def process_response(self, request, response):
        calls.append(f"{self.name}.process_response")
        return response


class Outer(Traced):
    name = "Outer"


class Inner(Traced):
    name = "Inner"


app = Cupola(__name__, config={"MIDDLEWARE": [Outer, Inner]})


@app.before_request
def before():
    calls.append("before_request")
    if "skip" in request.args:
        return "skipped by before_request"
    return None


@app.after_request
def after(response):
    calls.append("after_request")
    return response


@app.teardown_request
def teardown(exc):
    calls.append(f"teardown_request({type(exc).__name__ if exc else None})")


@app.errorhandler(ValueError)
def bad_value(exc):
    calls.append("errorhandler(ValueError)")
    return "bad value", 400


@app.get("/")
def view():
    calls.append("view")
    if "fail" in request.args:
        raise ValueError("handled by the error handler")
    if "crash" in request.args:
        raise RuntimeError("no handler for this one")
    if "template" in request.args:
        return TemplateResponse("page.html", {"name": "a template"})
    return "ok"
