from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.auth import Auth, UserMixin, authenticate, hash_password
from cupola.db import Database
from cupola.rest.authentication import (
    BaseAuthentication,
    BasicAuthentication,
    SessionAuthentication,
    TokenAuthentication,
)
from cupola.rest.authtoken import create_token_model
from cupola.rest.authtoken.views import ObtainAuthToken
from cupola.rest.exceptions import AuthenticationFailed
from cupola.rest.permissions import IsAuthenticated
from cupola.rest.response import Response
from cupola.rest.views import APIView

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret", "DATABASE_URL": "sqlite://"})
db = Database(app)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)


Token = create_token_model(db, User)  # the table authtoken_token, in your own metadata


def find_user(username):
    return db.session.execute(select(User).where(User.username == username)).scalar()


Auth(
    app,
    user_loader=lambda user_id: db.session.get(User, int(user_id)),
    # BasicAuthentication checks user names and passwords with this function.
    authenticate=lambda username, password: authenticate(username, password, find_user),
)
app.config["REST"] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        SessionAuthentication,
        BasicAuthentication,
        TokenAuthentication,
    ],
    "DEFAULT_PERMISSION_CLASSES": [IsAuthenticated],
}


class Me(APIView):
    def get(self, request):
        return Response({"username": request.user.username, "token": request.auth is not None})


class ApiKeyAuthentication(BaseAuthentication):
    """A scheme of your own: ``X-Api-Key: <key>``."""

    keys = {"k-123": "ada"}

    def authenticate(self, request):
        key = request.headers.get("X-Api-Key")
        if key is None:
            return None  # not this scheme: the next class may try
        username = self.keys.get(key)
        if username is None:
            raise AuthenticationFailed("Unknown API key.")
        return (find_user(username), key)

    def authenticate_header(self, request):
        return "X-Api-Key"


class Robots(APIView):
    authentication_classes = [ApiKeyAuthentication]

    def get(self, request):
        return Response({"username": request.user.username, "key": request.auth})


app.add_url_rule("/api/token", view_func=ObtainAuthToken.as_view("obtain-token"))
app.add_url_rule("/api/me", view_func=Me.as_view("me"))
app.add_url_rule("/api/robots", view_func=Robots.as_view("robots"))

with app.app_context():
    db.create_all()
    db.session.add(User(username="ada", password_hash=hash_password("correct horse")))
    db.session.commit()
