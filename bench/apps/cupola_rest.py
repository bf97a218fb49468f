"""Cupola REST (cupola.rest) on SQLite: the rest_list and rest_create scenarios.

A ``ListAPIView`` with ``PageNumberPagination`` over the item table and a ``CreateAPIView``
inserting into a note table, both through ``ModelSerializer``s, with the same API-only REST
configuration as the REST framework anchor (JSON renderer and parser, no authentication,
AllowAny, no throttling) and Cupola's default middleware stack.
"""

from common import (
    ALLOWED_HOSTS,
    REST_PAGE_SIZE,
    SECRET_KEY,
    fresh_rest_db,
)
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database
from cupola.rest import generics, pagination, serializers

app = Cupola(
    __name__,
    config={
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": ALLOWED_HOSTS,
        "DATABASE_URL": f"sqlite:///{fresh_rest_db('cupola')}",
        "REST": {
            "DEFAULT_RENDERER_CLASSES": ["cupola.rest.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["cupola.rest.parsers.JSONParser"],
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": ["cupola.rest.permissions.AllowAny"],
            "UNAUTHENTICATED_USER": None,
            "DEFAULT_PAGINATION_CLASS": pagination.PageNumberPagination,
            "PAGE_SIZE": REST_PAGE_SIZE,
        },
    },
)
db = Database(app)


class Item(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "price"]


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "name", "price"]


class ItemList(generics.ListAPIView):
    queryset = select(Item)
    serializer_class = ItemSerializer


class NoteCreate(generics.CreateAPIView):
    queryset = select(Note)
    serializer_class = NoteSerializer


app.add_url_rule("/api/items/", view_func=ItemList.as_view("items"))
app.add_url_rule("/api/notes/", view_func=NoteCreate.as_view("notes"))

wsgi = app
asgi = app.asgi
