"""SearchFilter and OrderingFilter: a ``Select`` in, a ``Select`` out, on SQLite and PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from cupola.exceptions import ImproperlyConfigured
from cupola.rest import filters
from cupola.rest.exceptions import ValidationError


def run(shelf: Any, backend: Any, query: str, view: Any, statement: Any = None) -> list[str]:
    """The titles ``backend`` keeps of ``statement`` for a request with ``query``."""
    with shelf.app.test_request_context("/books/?" + query):
        from cupola.context import get_request

        request = SimpleNamespace(query_params=get_request().args)
        statement = statement if statement is not None else select(shelf.Book)
        filtered = backend.filter_queryset(request, statement, view)
        if not filtered._order_by_clauses:
            filtered = filtered.order_by(shelf.Book.id)
        try:
            return [book.title for book in shelf.db.session.scalars(filtered)]
        finally:
            shelf.db.session.remove()


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("gold", ["gold"]),
        ("gold river", ["gold", "river"]),
        ("gold,river", ["gold", "river"]),
        ("gold,,  river, ", ["gold", "river"]),
        ('"the river" gold', ["the river", "gold"]),
        ("'the river',gold", ["'the river'", "gold"]),
        ('x, "a b", y', ["x", "a b", "y"]),
        ('"unterminated x', ['"unterminated', "x"]),
        ('a"b c"d', ['a"b c"d']),
        ('"say \\"hi\\""', ['say "hi"']),
        ("", []),
        ('"', [""]),
    ],
)
def test_search_terms_split_on_whitespace_and_commas_keeping_phrases(
    text: str, terms: list[str]
) -> None:
    assert filters.search_smart_split(text) == terms


def seed_titles(shelf: Any) -> None:
    with shelf.app.app_context():
        ann = shelf.Author(name="Ann Gold")
        bob = shelf.Author(name="Bob Ray")
        for title, author, price in [
            ("The River", ann, "9.99"),
            ("Gold Rush", bob, "5.00"),
            ("River of Gold", bob, "12.50"),
            ("100% Cotton", None, "3.00"),
            ("Under_score", None, "4.00"),
        ]:
            shelf.db.session.add(shelf.Book(title=title, author=author, price=price))
        shelf.db.session.commit()


def test_search_matches_every_term_in_some_field_case_insensitively(shelf: Any) -> None:
    seed_titles(shelf)
    view = SimpleNamespace(search_fields=["title", "author__name"])
    search = filters.SearchFilter()
    assert run(shelf, search, "search=river", view) == ["The River", "River of Gold"]
    assert run(shelf, search, "search=GOLD", view) == ["The River", "Gold Rush", "River of Gold"]
    assert run(shelf, search, "search=gold+river", view) == ["The River", "River of Gold"]
    assert run(shelf, search, "search=gold,bob", view) == ["Gold Rush", "River of Gold"]
    assert run(shelf, search, "search=%22of+gold%22", view) == ["River of Gold"]
    assert run(shelf, search, "search=", view) == [
        "The River",
        "Gold Rush",
        "River of Gold",
        "100% Cotton",
        "Under_score",
    ]


def test_search_escapes_like_wildcards(shelf: Any) -> None:
    seed_titles(shelf)
    view = SimpleNamespace(search_fields=["title"])
    search = filters.SearchFilter()
    assert run(shelf, search, "search=%25", view) == ["100% Cotton"]
    assert run(shelf, search, "search=_", view) == ["Under_score"]


def test_search_dotted_paths_prefixes_and_numbers(shelf: Any) -> None:
    seed_titles(shelf)
    search = filters.SearchFilter()
    assert run(shelf, search, "search=ray", SimpleNamespace(search_fields=["author.name"])) == [
        "Gold Rush",
        "River of Gold",
    ]
    starts = SimpleNamespace(search_fields=["^title"])
    assert run(shelf, search, "search=riv", starts) == ["River of Gold"]
    exact = SimpleNamespace(search_fields=["=title"])
    assert run(shelf, search, "search=gold+rush", exact) == []
    assert run(shelf, search, "search=%22gold+rush%22", exact) == ["Gold Rush"]
    regex = SimpleNamespace(search_fields=["$title"])
    assert run(shelf, search, "search=^r.*d$", regex) == ["River of Gold"]
    assert run(shelf, search, "search=(unclosed", regex) == []
    price = SimpleNamespace(search_fields=["price"])
    assert run(shelf, search, "search=12.5", price) == ["River of Gold"]
    # The reverse relationship (to-many) is an EXISTS: an author with two books once.
    with shelf.app.test_request_context("/?search=rush"):
        from cupola.context import get_request

        request = SimpleNamespace(query_params=get_request().args)
        view = SimpleNamespace(search_fields=["books__title"])
        statement = filters.SearchFilter().filter_queryset(request, select(shelf.Author), view)
        assert [a.name for a in shelf.db.session.scalars(statement)] == ["Bob Ray"]
        shelf.db.session.remove()


def test_search_without_fields_or_with_unknown_fields(shelf: Any) -> None:
    seed_titles(shelf)
    search = filters.SearchFilter()
    assert len(run(shelf, search, "search=gold", SimpleNamespace())) == 5
    with pytest.raises(ImproperlyConfigured, match="'nope' is not a column of Book"):
        run(shelf, search, "search=gold", SimpleNamespace(search_fields=["nope"]))
    with pytest.raises(ValidationError):
        run(shelf, search, "search=a%00b", SimpleNamespace(search_fields=["title"]))


def test_search_param_from_settings(shelf: Any) -> None:
    seed_titles(shelf)
    shelf.app.config["REST"] = {"SEARCH_PARAM": "q"}
    view = SimpleNamespace(search_fields=["title"])
    assert run(shelf, filters.SearchFilter(), "q=rush&search=river", view) == ["Gold Rush"]


def test_ordering_replaces_the_statement_ordering(shelf: Any) -> None:
    seed_titles(shelf)
    ordering = filters.OrderingFilter()
    view = SimpleNamespace(ordering_fields=["price", "title"], ordering=["title"])
    by_id_desc = select(shelf.Book).order_by(shelf.Book.id.desc())
    assert run(shelf, ordering, "ordering=-price", view, by_id_desc) == [
        "River of Gold",
        "The River",
        "Gold Rush",
        "Under_score",
        "100% Cotton",
    ]
    # Unknown names dropped silently; none left: the view's default ordering.
    assert run(shelf, ordering, "ordering=nope,-title", view)[0] == "Under_score"
    assert run(shelf, ordering, "ordering=nope", view, by_id_desc)[0] == "100% Cotton"
    assert run(shelf, ordering, "", view, by_id_desc)[0] == "100% Cotton"
    # No default: the statement keeps its own ordering.
    plain = SimpleNamespace(ordering_fields=["price"])
    assert run(shelf, ordering, "ordering=title", plain, by_id_desc)[0] == "Under_score"


def test_ordering_default_may_name_a_field_outside_ordering_fields(shelf: Any) -> None:
    seed_titles(shelf)
    view = SimpleNamespace(ordering_fields=["price"], ordering="-title")
    assert run(shelf, filters.OrderingFilter(), "", view)[0] == "Under_score"


def test_ordering_all_fields_and_relationships(shelf: Any) -> None:
    seed_titles(shelf)
    ordering = filters.OrderingFilter()
    everything = SimpleNamespace(ordering_fields="__all__")
    assert run(shelf, ordering, "ordering=-id", everything)[0] == "Under_score"
    assert run(shelf, ordering, "ordering=-price", everything)[0] == "River of Gold"
    # "__all__" is the model's columns: neither "pk" nor a relationship path.
    assert run(shelf, ordering, "ordering=-pk", everything)[0] == "The River"
    assert run(shelf, ordering, "ordering=-author__name", everything)[0] == "The River"
    assert run(shelf, ordering, "ordering=-pk", SimpleNamespace(ordering_fields=["pk"]))[0] == (
        "Under_score"
    )
    related = SimpleNamespace(ordering_fields=["author__name", "title"])
    titles = run(shelf, ordering, "ordering=-author__name,title", related)
    # Books without an author: NULLs sort first or last as the database does.
    authored = [t for t in titles if t not in {"100% Cotton", "Under_score"}]
    assert authored == ["Gold Rush", "River of Gold", "The River"]
    # Names are matched as written: "author.name" is not "author__name".
    assert run(shelf, ordering, "ordering=author.name", related)[0] == "The River"


def test_ordering_without_fields_needs_a_serializer(shelf: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="'ordering_fields' attribute"):
        run(shelf, filters.OrderingFilter(), "ordering=title", SimpleNamespace())


def test_base_filter_backend_must_be_overridden() -> None:
    with pytest.raises(NotImplementedError):
        filters.BaseFilterBackend().filter_queryset(None, select(), None)
    assert filters.BaseFilterBackend().get_schema_operation_parameters(None) == []
    assert filters.SearchFilter().get_schema_operation_parameters(None)[0]["name"] == "search"
    assert filters.OrderingFilter().get_schema_operation_parameters(None)[0]["name"] == "ordering"


def test_misnamed_search_fields_and_lookups(shelf: Any) -> None:
    from sqlalchemy import literal

    seed_titles(shelf)
    search = filters.SearchFilter()
    for name in ("title__nope", "author__nope", "nope__name"):
        with pytest.raises(ImproperlyConfigured, match="is not a column"):
            run(shelf, search, "search=x", SimpleNamespace(search_fields=[name]))

    class Odd(filters.SearchFilter):
        lookup_prefixes = {"!": "sounds_like"}

    with pytest.raises(ImproperlyConfigured, match="no lookup 'sounds_like'"):
        run(shelf, Odd(), "search=x", SimpleNamespace(search_fields=["!title"]))
    with pytest.raises(ImproperlyConfigured, match="selects no mapped class"):
        filters.statement_model(select(literal(1)))


def test_ordering_fields_default_to_the_serializer(shelf: Any) -> None:
    from tests.rest.conftest import book_serializer

    seed_titles(shelf)
    ordering = filters.OrderingFilter()
    serializer_only = SimpleNamespace(serializer_class=book_serializer(shelf))
    assert run(shelf, ordering, "ordering=-price", serializer_only)[0] == "River of Gold"
    # "author" is a relationship, not a column: allowed by the serializer, but not orderable.
    assert run(shelf, ordering, "ordering=-author", serializer_only)[0] == "The River"

    class Hooked:
        def get_serializer_class(self) -> Any:
            raise ImproperlyConfigured("none")

    with pytest.raises(ImproperlyConfigured, match="'ordering_fields' attribute"):
        run(shelf, ordering, "ordering=title", Hooked())


def test_ordering_through_a_to_many_relationship_is_left_out(shelf: Any) -> None:
    seed_titles(shelf)
    statement = filters.order_statement(select(shelf.Author), ["books__title", "-name"])
    with shelf.app.app_context():
        names = [a.name for a in shelf.db.session.scalars(statement)]
    assert names == ["Bob Ray", "Ann Gold"]
