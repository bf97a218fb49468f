"""``ModelAdmin`` options are checked when a model is registered, naming the fix."""

from __future__ import annotations

import pytest

from cupola.admin import Admin, ModelAdmin
from cupola.exceptions import ImproperlyConfigured

from .conftest import Site


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("list_filter", ["colour"], "list_filter names 'colour'"),
        ("readonly_fields", ["colour"], "readonly_fields names 'colour'"),
        ("search_fields", ["author.nope"], "search_fields names 'author.nope'"),
        ("search_fields", ["title.name"], "search_fields names 'title.name'"),
        ("list_display", ["colour"], "list_display names 'colour'"),
    ],
)
def test_unknown_names_are_refused(site: Site, option: str, value: list[str], message: str) -> None:
    options = type("Broken", (ModelAdmin,), {option: value})
    site.admin.registry.pop("book")
    with pytest.raises(ImproperlyConfigured, match=message):
        site.admin.register(site.Book, options)


def test_a_model_is_registered_once(site: Site) -> None:
    with pytest.raises(ImproperlyConfigured, match="registered in the admin already"):
        site.admin.register(site.Author)


def test_the_admin_needs_the_database(site: Site) -> None:
    with pytest.raises(ImproperlyConfigured, match="needs the app's Database"):
        Admin(site.app)


def test_display_methods_and_defaults(site: Site) -> None:
    class WithMethod(ModelAdmin):
        list_display = ["__str__", "shout"]

        def shout(self, obj: object) -> str:
            return str(obj).upper()

        shout.short_description = "Loud"  # type: ignore[attr-defined]

    site.admin.registry.pop("author")
    model_admin = site.admin.register(site.Author, WithMethod)
    assert [model_admin.label_for(n) for n in model_admin.display] == ["Author", "Loud"]
    assert site.admin.registry["book"].display == ["id", "title", "author", "price", "in_stock"]
    default = site.admin.registry.pop("book")
    assert default.verbose_name_plural == "books"
    assert ModelAdmin(site.Book).display == [
        "id",
        "title",
        "author",
        "price",
        "year",
        "subtitle",
        "in_stock",
    ]
