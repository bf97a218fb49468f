"""Django REST framework anchor (WSGI), for the JSON-shaped and REST scenarios.

Same Django settings as django_app plus rest_framework, with an API-only DRF config:
JSON renderer, form/JSON parsers, no authentication, AllowAny, no throttling. The REST
scenarios use a ListAPIView with PageNumberPagination and a CreateAPIView, through
ModelSerializers, on the process's own SQLite file (fresh_rest_db).
"""

import django
from common import FORM_FIELDS, MESSAGE, REST_PAGE_SIZE, ROUTE_COUNT, fresh_rest_db
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": fresh_rest_db("drf")}},
    USE_TZ=True,
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    REST_FRAMEWORK={
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": [
            "rest_framework.parsers.JSONParser",
            "rest_framework.parsers.FormParser",
        ],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
        "PAGE_SIZE": REST_PAGE_SIZE,
    },
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import models  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework import generics, serializers  # noqa: E402
from rest_framework.decorators import api_view  # noqa: E402
from rest_framework.response import Response  # noqa: E402


@api_view(["GET"])
def json(request):
    return Response(MESSAGE)


@api_view(["GET"])
def route(request, route, item_id):
    return Response({"route": route, "id": item_id})


@api_view(["POST"])
def form(request):
    data = request.data
    return Response({name: data.get(name) for name in FORM_FIELDS})


class Item(models.Model):
    name = models.CharField(max_length=100)
    price = models.FloatField()

    class Meta:
        app_label = "bench"
        db_table = "item"
        managed = False


class Note(models.Model):
    name = models.CharField(max_length=100)
    price = models.FloatField()

    class Meta:
        app_label = "bench"
        db_table = "note"
        managed = False


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "name", "price"]


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "name", "price"]


class ItemList(generics.ListAPIView):
    queryset = Item.objects.order_by("id")
    serializer_class = ItemSerializer


class NoteCreate(generics.CreateAPIView):
    queryset = Note.objects.all()
    serializer_class = NoteSerializer


urlpatterns = [
    path("api/items/", ItemList.as_view()),
    path("api/notes/", NoteCreate.as_view()),
    path("json", json),
    *(path(f"r{i}/<int:item_id>", route, {"route": i}) for i in range(ROUTE_COUNT)),
    path("form", form),
]

wsgi = get_wsgi_application()
