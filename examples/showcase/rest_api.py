"""The bookshelf's REST API, ``/api/v1/``: books, authors and reviews on viewsets.

Browsers get the browsable API (forms included once logged in), other clients JSON.
Token (``Authorization: Token <key>``, from ``cupola createtoken USERNAME``) and session
authentication; anyone reads, signed-in readers write, and only a review's author may
change or delete it. Anonymous clients and users are throttled; lists are paginated,
searchable and orderable. ``/openapi.json`` describes it all and ``/api/docs/`` explores it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from cupola import Cupola
from cupola.rest import (
    authentication,
    filters,
    pagination,
    permissions,
    renderers,
    routers,
    serializers,
    throttling,
    versioning,
    viewsets,
)
from cupola.rest.openapi import add_schema_routes
from examples.showcase.models import Author, Book, Review, db

REST_SETTINGS: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        authentication.TokenAuthentication,
        authentication.SessionAuthentication,
    ],
    "DEFAULT_PERMISSION_CLASSES": [permissions.IsAuthenticatedOrReadOnly],
    "DEFAULT_THROTTLE_CLASSES": [throttling.AnonRateThrottle, throttling.UserRateThrottle],
    "DEFAULT_THROTTLE_RATES": {"anon": "300/min", "user": "1000/min"},
    "DEFAULT_VERSIONING_CLASS": versioning.URLPathVersioning,
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
    "PAGE_SIZE": 10,
    "DEFAULT_RENDERER_CLASSES": [renderers.JSONRenderer, renderers.BrowsableAPIRenderer],
}


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class BookSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)

    class Meta:
        model = Book
        fields = ["id", "title", "author", "year", "price_cents", "price", "summary"]
        extra_kwargs = {
            "price_cents": {"min_value": 0, "help_text": "The price in cents."},
            "year": {"min_value": -3000, "max_value": 3000},
            "summary": {"style": {"base_template": "textarea.html"}},
        }


class ReviewSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    rating = serializers.IntegerField(min_value=1, max_value=5)

    class Meta:
        model = Review
        fields = ["id", "book", "user", "rating", "body", "created_at"]
        read_only_fields = ["created_at"]


class IsAuthorOrReadOnly(permissions.BasePermission):
    """Reviews are read by anyone and changed only by the reader who wrote them."""

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return request.method in permissions.SAFE_METHODS or obj.user_id == request.user.id


class BookViewSet(viewsets.ModelViewSet):
    """The books on the shelf, by title. Search with `?search=`, order with `?ordering=`."""

    queryset = select(Book).order_by(Book.title, Book.id)
    serializer_class = BookSerializer
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["title", "summary"]
    ordering_fields = ["title", "year", "price_cents"]


class AuthorViewSet(viewsets.ModelViewSet):
    """The authors, by name."""

    queryset = select(Author).order_by(Author.name)
    serializer_class = AuthorSerializer


class ReviewViewSet(viewsets.ModelViewSet):
    """Readers' reviews, newest first; each reader reviews a book once."""

    queryset = select(Review).order_by(Review.created_at.desc(), Review.id.desc())
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsAuthorOrReadOnly]

    def perform_create(self, serializer: Any) -> None:
        """Save the review as the signed-in reader's, once per book."""
        book, user = serializer.validated_data["book"], self.request.user
        mine = select(Review.id).where(Review.book_id == book.id, Review.user_id == user.id)
        if db.session.scalar(mine) is not None:
            raise serializers.ValidationError({"book": ["You have already reviewed this book."]})
        serializer.save(user=user)


router = routers.DefaultRouter()
router.register("books", BookViewSet)
router.register("authors", AuthorViewSet)
router.register("reviews", ReviewViewSet)


def init_app(app: Cupola) -> None:
    """Configure the REST settings, then add the API, its document and its explorer page."""
    app.config["REST"] = REST_SETTINGS
    app.config.setdefault("LOGOUT_URL", "accounts.logout")  # the browsable API's button
    app.register_blueprint(router.as_blueprint(url_prefix="/api/<version>", name="rest"))
    add_schema_routes(
        app,
        schema_path="/openapi.json",
        docs_path="/api/docs/",
        title="Cupola Books API",
        version="1.0.0",
        prefix="/api/",
    )
