"""Django REST framework anchor (WSGI), for the JSON-shaped scenarios only.

Same Django settings as django_app plus rest_framework, with an API-only DRF config:
JSON renderer, form/JSON parsers, no authentication, AllowAny, no throttling.
"""

import django
from common import FORM_FIELDS, MESSAGE, ROUTE_COUNT
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["rest_framework"],
    DATABASES={},
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
    },
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402
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


urlpatterns = [
    path("json", json),
    *(path(f"r{i}/<int:item_id>", route, {"route": i}) for i in range(ROUTE_COUNT)),
    path("form", form),
]

wsgi = get_wsgi_application()
