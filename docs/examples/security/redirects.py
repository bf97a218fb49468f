from cupola import Cupola, redirect, request, url_for
from cupola.security import is_safe_redirect

app = Cupola(__name__)

LANGUAGES = {"en", "fr", "de"}


@app.get("/")
def home():
    return {"language": request.cookies.get("language", "en")}


@app.post("/language")
def set_language():
    target = request.form.get("next", "")
    if not is_safe_redirect(target):
        target = url_for("home")
    response = redirect(target, 303)
    language = request.form.get("language")
    if language in LANGUAGES:
        response.set_cookie("language", language, max_age=365 * 24 * 60 * 60)
    return response
