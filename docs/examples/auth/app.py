from dataclasses import dataclass
from itertools import count

from cupola import Cupola, redirect, request
from cupola.auth import (
    Auth,
    UserMixin,
    authenticate,
    current_user,
    hash_password,
    login_required,
    login_user,
    logout_user,
    next_url,
    permission_required,
)
from cupola.csrf import csrf_input

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret", "LOGIN_URL": "login_form"})
auth = Auth(app)


@dataclass(eq=False)
class User(UserMixin):  # with cupola.db: class User(UserMixin, db.Model)
    id: int
    username: str
    password_hash: str
    is_admin: bool = False


USERS: dict[str, User] = {}  # by case-folded user name; a table in a real app
new_id = count(1)


@auth.user_loader
def load_user(user_id):
    return next((user for user in USERS.values() if user.get_id() == user_id), None)


def find_user(username):
    return USERS.get(username.casefold())


@app.post("/signup")
def signup():
    username, password = request.form["username"], request.form["password"]
    if find_user(username) is not None:
        return {"error": "That user name is taken."}, 409
    user = User(next(new_id), username, hash_password(password))
    USERS[username.casefold()] = user
    login_user(user)
    return {"user": user.username}, 201


@app.get("/login")
def login_form():
    return (
        '<form method="post">'
        '<input name="username"> <input name="password" type="password">'
        f"{csrf_input()}<button>Log in</button></form>"
    )


@app.post("/login")
def login():
    form = request.form
    user = authenticate(form.get("username", ""), form.get("password", ""), find_user)
    if user is None:
        return {"error": "Wrong user name or password."}, 400
    login_user(user, remember=form.get("remember") == "on")
    return redirect(next_url(default="/"))


@app.post("/logout")
def logout():
    logout_user()
    return redirect("/")


@app.get("/")
def home():
    return {"user": current_user.username if current_user.is_authenticated else None}


@app.get("/account")
@login_required
def account():
    return {"username": current_user.username}


@app.get("/admin")
@permission_required(lambda user: user.is_admin)
def admin():
    return {"users": len(USERS)}
