"""Django's admin for the admin bench: settings, URLconf, 100,000 books, a logged-in superuser.

``setup(path)`` builds the SQLite file (migrations, then rows) and returns the WSGI handler
and the ``Cookie`` header of a superuser's session.
"""

import os
import sys

import django
from django.conf import settings

sys.path.insert(0, os.path.dirname(__file__))


def setup(path, rows):
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-" * 8,
        ALLOWED_HOSTS=["bench.local"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "shelf",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
        USE_TZ=True,
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages",
                    ]
                },
            }
        ],
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],  # setup speed only
    )
    django.setup()
    from decimal import Decimal

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from django.test import Client
    from shelf.models import Author, Book

    call_command("migrate", run_syncdb=True, verbosity=0)
    authors = Author.objects.bulk_create(Author(name=name) for name, _ in rows.authors())
    Book.objects.bulk_create(
        (
            Book(title=title, author=authors[a], price=Decimal(price), in_stock=stock)
            for title, a, price, stock in rows.books()
        ),
        batch_size=5000,
    )
    User.objects.create_superuser("admin", "admin@example.com", "password")
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return get_wsgi_application(), cookie



def __getattr__(name):
    """The URLconf's patterns, built once settings exist (Django reads them lazily)."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.contrib import admin
    from django.urls import path

    return [path("admin/", admin.site.urls)]
