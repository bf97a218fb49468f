from cupola import Cupola, Middleware, TemplateResponse


class PrintVersion(Middleware):
    def process_template_response(self, request, response):
        if "print" in request.args:
            response.template_name = response.template_name.replace(".html", "_print.html")
        response.context.setdefault("theme", request.cookies.get("theme", "light"))
        return response


app = Cupola(__name__)
app.add_middleware(PrintVersion)


@app.get("/report")
def report():
    return TemplateResponse("report.html", {"total": 3}, headers={"Cache-Control": "no-store"})
