from cupola import Blueprint, Cupola
from cupola.rest.response import Response
from cupola.rest.reverse import reverse
from cupola.rest.versioning import NamespaceVersioning, URLPathVersioning
from cupola.rest.views import APIView

app = Cupola(__name__)
app.config["REST"] = {
    "DEFAULT_VERSIONING_CLASS": URLPathVersioning,
    "ALLOWED_VERSIONS": ["v1", "v2"],
    "DEFAULT_VERSION": "v1",
}


class BookList(APIView):
    def get(self, request, **kwargs):
        books = [{"title": "Emma", "url": reverse("book", kwargs={"pk": 1}, request=request)}]
        if request.version == "v1":
            return Response(books)
        return Response({"results": books})  # v2 wraps the list


class BookDetail(APIView):
    def get(self, request, pk, **kwargs):
        return Response({"pk": pk, "version": request.version})


app.add_url_rule("/api/<version>/books/", view_func=BookList.as_view("books"))
app.add_url_rule("/api/<version>/books/<int:pk>/", view_func=BookDetail.as_view("book"))


# The same views, versioned by blueprint name instead: /legacy/v1/books/.
class LegacyBooks(APIView):
    versioning_class = NamespaceVersioning

    def get(self, request):
        return Response({"version": request.version, "self": reverse("books", request=request)})


for name in ("v1", "v2"):
    blueprint = Blueprint(name, __name__, url_prefix=f"/legacy/{name}")
    blueprint.add_url_rule("/books/", view_func=LegacyBooks.as_view("books"))
    app.register_blueprint(blueprint)
