from cupola import Cupola
from cupola.rest import exceptions, status
from cupola.rest.decorators import api_view
from cupola.rest.response import Response
from cupola.rest.views import APIView

BOOKS = {1: {"id": 1, "title": "Dune"}}


class ApiKeyAuthentication:
    """``Authorization: Key <key>`` authenticates; requests without it stay anonymous."""

    keys = {"s3cret": "ann"}

    def authenticate(self, request):
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Key":
            return None
        if key not in self.keys:
            raise exceptions.AuthenticationFailed("Invalid key.")
        return (self.keys[key], key)

    def authenticate_header(self, request):
        return "Key"


class ReadOnlyUnlessAuthenticated:
    def has_permission(self, request, view):
        return request.method in ("GET", "HEAD", "OPTIONS") or request.auth is not None


app = Cupola(__name__)
app.config["REST"] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [ApiKeyAuthentication],
    "DEFAULT_PERMISSION_CLASSES": [ReadOnlyUnlessAuthenticated],
}


class BookList(APIView):
    """The books on the shelf."""

    def get(self, request):
        return Response(list(BOOKS.values()))

    def post(self, request):
        title = request.data.get("title")
        if not title:
            raise exceptions.ValidationError({"title": ["This field is required."]})
        book = {"id": max(BOOKS) + 1, "title": title}
        BOOKS[book["id"]] = book
        return Response(book, status=status.HTTP_201_CREATED)


class BookDetail(APIView):
    async def get(self, request, pk):
        if pk not in BOOKS:
            raise exceptions.NotFound(f"No book {pk}.")
        return Response(BOOKS[pk])


@api_view(["GET"])
def whoami(request):
    return Response({"user": request.user if request.auth else None})


app.add_url_rule("/books/", view_func=BookList.as_view("book-list"))
app.add_url_rule("/books/<int:pk>/", view_func=BookDetail.as_view("book-detail"))
app.add_url_rule("/whoami", view_func=whoami)
