"""Django anchor (WSGI): one module holding settings, views and URLconf.

Configuration: no database, DEBUG off, Django templates, and the default middleware
of a new project minus the two that need a database or installed apps (auth, messages):
SecurityMiddleware, SessionMiddleware, CommonMiddleware, CsrfViewMiddleware,
XFrameOptionsMiddleware. Sessions use the signed_cookies backend (no database); the CSRF
secret stays in Django's default place, the csrftoken cookie. The form view is
csrf_exempt, as an API endpoint would be; form_csrf is checked by CsrfViewMiddleware.
"""

import django
from common import (
    ALLOWED_HOSTS,
    DB_PAGE,
    DB_PER_PAGE,
    DJANGO_DIR,
    FORM_FIELDS,
    MESSAGE,
    PLAINTEXT,
    ROUTE_COUNT,
    ROWS,
    SECRET_KEY,
    USER,
    ensure_items_db,
    item_json,
    session_text,
)
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY=SECRET_KEY,
    ALLOWED_HOSTS=ALLOWED_HOSTS,
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    # The database scenarios' SQLite file; the other scenarios never open a connection.
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ensure_items_db()}},
    USE_TZ=True,
    SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [str(DJANGO_DIR)],
            "OPTIONS": {"context_processors": []},
        }
    ],
)
django.setup()

from django.core.paginator import Paginator  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import models  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.shortcuts import get_object_or_404, render  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from django.views.decorators.http import require_GET, require_POST  # noqa: E402


@require_GET
def plaintext(request):
    return HttpResponse(PLAINTEXT, content_type="text/plain")


@require_GET
def json(request):
    return JsonResponse(MESSAGE)


@require_GET
def route(request, route, item_id):
    return JsonResponse({"route": route, "id": item_id})


@require_GET
def template(request):
    return render(request, "table.html", {"rows": ROWS})


@csrf_exempt
@require_POST
def form(request):
    data = request.POST
    return JsonResponse({name: data.get(name) for name in FORM_FIELDS})


@require_GET
def login(request):
    request.session["user"] = USER
    return JsonResponse({"field": "csrfmiddlewaretoken", "token": get_token(request)})


@require_GET
def session_view(request):
    return HttpResponse(session_text(request.session["user"]), content_type="text/plain")


@require_POST
def form_csrf(request):
    # CsrfViewMiddleware has checked the token against the csrftoken cookie before the view.
    data = request.POST
    return JsonResponse({name: data.get(name) for name in FORM_FIELDS})


class Item(models.Model):
    name = models.CharField(max_length=100)
    price = models.FloatField()

    class Meta:
        app_label = "bench"
        db_table = "item"
        managed = False


@require_GET
def db_read(request, item_id):
    item = get_object_or_404(Item, pk=item_id)
    return JsonResponse(item_json(item.id, item.name, item.price))


@require_GET
def db_page(request):
    page = Paginator(Item.objects.order_by("id"), DB_PER_PAGE).page(DB_PAGE)
    items = [item_json(i.id, i.name, i.price) for i in page.object_list]
    return JsonResponse({"count": page.paginator.count, "items": items})


urlpatterns = [
    path("plaintext", plaintext),
    path("json", json),
    *(path(f"r{i}/<int:item_id>", route, {"route": i}) for i in range(ROUTE_COUNT)),
    path("template", template),
    path("form", form),
    path("login", login),
    path("session", session_view),
    path("form_csrf", form_csrf),
    path("db/item/<int:item_id>", db_read),
    path("db/items", db_page),
]

wsgi = get_wsgi_application()
