from cupola import (
    Cupola,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    redirect,
    request,
    url_for,
)

app = Cupola(__name__)


@app.get("/robots.txt")
def robots():
    return PlainTextResponse("User-agent: *\nDisallow: /admin/\n")


@app.get("/export.csv")
def export():
    return Response(
        "title,year\nEmma,1815\n",
        headers={"Content-Disposition": 'attachment; filename="books.csv"'},
        content_type="text/csv; charset=utf-8",
    )


@app.get("/old-home")
def old_home():
    return RedirectResponse("/", status=301)


@app.get("/")
def home():
    return {"theme": request.cookies.get("theme", "light")}


@app.post("/theme/<any(light, dark):theme>")
def set_theme(theme):
    response = JSONResponse({"theme": theme})
    response.set_cookie("theme", theme, max_age=30 * 24 * 3600, httponly=True, samesite="Lax")
    response.headers["Cache-Control"] = "no-store"
    return response


@app.post("/theme/reset")
def reset_theme():
    response = redirect(url_for("home"))
    response.delete_cookie("theme")
    return response
