from markupsafe import escape

from cupola import Cupola

app = Cupola(__name__)


@app.get("/user/<username>")
def show_user(username):
    return f"User {escape(username)}"


@app.get("/post/<int:post_id>")
def show_post(post_id):
    return f"Post {post_id}"


@app.get("/path/<path:subpath>")
def show_subpath(subpath):
    return f"Subpath {escape(subpath)}"
