from decimal import Decimal

from sqlalchemy import Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola, redirect, request
from cupola.auth import Auth, UserMixin, authenticate, login_user, logout_user
from cupola.csrf import csrf_input
from cupola.db import Database
from cupola.rest import authentication, permissions, renderers, routers, serializers, viewsets

app = Cupola(__name__, config={"DATABASE_URL": "sqlite:///shelf.db", "SECRET_KEY": "change-me"})
app.config["LOGIN_URL"] = "/login"  # the page's "Log in" link (the default)
app.config["LOGOUT_URL"] = "/logout"  # the page's "Log out" button posts here
app.config["REST"] = {
    "DEFAULT_RENDERER_CLASSES": [renderers.JSONRenderer, renderers.BrowsableAPIRenderer],
    "DEFAULT_AUTHENTICATION_CLASSES": [authentication.SessionAuthentication],
}
db = Database(app)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))


class Book(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))


class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price"]


class BookViewSet(viewsets.ModelViewSet):
    """The books on the shelf. Anyone may read them; signed-in users may change them."""

    queryset = select(Book)
    serializer_class = BookSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]


def find_user(username):
    return db.session.execute(select(User).where(User.username == username)).scalar()


Auth(app, user_loader=lambda user_id: db.session.get(User, int(user_id)))


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = authenticate(request.form["username"], request.form["password"], find_user)
        if user is not None:
            login_user(user)
            return redirect(request.args.get("next", "/api/books/"))
    return (
        f'<form method="post">{csrf_input()}<input name="username">'
        '<input name="password" type="password"><button>Log in</button></form>'
    )


@app.post("/logout")
def logout():
    logout_user()
    return redirect("/api/books/")


router = routers.DefaultRouter()
router.register("books", BookViewSet)
app.register_blueprint(router.as_blueprint(url_prefix="/api"))
