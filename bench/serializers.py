"""Serializer-only throughput: 1,000 rows to primitives, and one payload validated.

    python bench/serializers.py [--rows 1000] [--rounds 5] [--drf-python PATH]

Three contenders, each on its own ORM's rows already in memory (no query is timed):

- ``cupola``: a ``ModelSerializer`` over SQLAlchemy rows (``BookSerializer(rows, many=True).data``).
- ``drf``: Django REST framework's ``ModelSerializer`` over Django rows, run in the
  interpreter given by ``--drf-python`` (default ``/work/scratch-drf/bin/python``, or
  ``$DRF_PYTHON``), skipped with the reason when that interpreter has no DRF.
- ``pydantic``: a ``BaseModel`` with ``from_attributes`` over the same SQLAlchemy rows,
  validated and dumped in JSON mode, as FastAPI's ``response_model`` does.

The rows hold an integer key, a title, a ``Numeric(8, 2)`` price (a string in the output),
a nullable date, a boolean and a many-to-one author (its key). ``validate`` times one
valid payload through ``is_valid()`` (``model_validate`` for pydantic) without the database;
``create`` times one new row through ``is_valid()`` (the unique title and the author are
looked up), ``save()`` (INSERT and COMMIT) and ``.data``, on SQLite in memory.
The best of ``--rounds`` batches is kept; the figures are CPU time per call
(``time.process_time``: steadier than wall time on a shared machine).
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # this checkout's Cupola, whatever is installed

import pydantic  # noqa: E402
from sqlalchemy import ForeignKey, Numeric, String, select  # noqa: E402
from sqlalchemy.orm import Mapped, mapped_column, relationship  # noqa: E402

from cupola import Cupola  # noqa: E402
from cupola.db import Database  # noqa: E402
from cupola.rest import serializers  # noqa: E402

PAYLOAD = {"title": "Dune", "price": "9.99", "published": "2026-01-31", "in_stock": True}


def best_of(rounds: int, call: Callable[[], Any], number: int = 1) -> float:
    """The best time of one call over ``rounds`` batches of ``number`` calls, in seconds."""
    call()  # warm-up: lazy inference, caches
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            call()
        best = min(best, (time.process_time() - start) / number)
    return best


def cupola_and_pydantic(rows: int, rounds: int) -> dict[str, dict[str, float]]:
    """Time Cupola's ModelSerializer and pydantic over the same SQLAlchemy rows."""
    app = Cupola(__name__, config={"DATABASE_URL": "sqlite://"})
    db = Database(app)

    class Author(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))

    class Book(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        title: Mapped[str] = mapped_column(String(200), unique=True)
        price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
        published: Mapped[datetime.date | None]
        in_stock: Mapped[bool] = mapped_column(default=True)
        author_id: Mapped[int | None] = mapped_column(ForeignKey("author.id"))
        author: Mapped[Author | None] = relationship()

    class BookSerializer(serializers.ModelSerializer):
        class Meta:
            model = Book
            fields = ["id", "title", "price", "published", "in_stock", "author"]

    class BookOut(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(from_attributes=True)
        id: int
        title: str = pydantic.Field(max_length=200)
        price: Decimal = pydantic.Field(max_digits=8, decimal_places=2)
        published: datetime.date | None
        in_stock: bool
        author_id: int | None

    class BookIn(pydantic.BaseModel):
        title: str = pydantic.Field(max_length=200)
        price: Decimal = pydantic.Field(max_digits=8, decimal_places=2)
        published: datetime.date | None = None
        in_stock: bool = True
        author: int | None = None

    many = pydantic.TypeAdapter(list[BookOut])
    with app.app_context():
        db.create_all()
        author = Author(name="Herbert")
        db.session.add(author)
        db.session.add_all(
            Book(
                title=f"Book {n}",
                price=Decimal(n % 100) + Decimal("0.99"),
                published=datetime.date(2026, 1, 1) if n % 2 else None,
                author=author if n % 3 else None,
            )
            for n in range(rows)
        )
        db.session.commit()
        loaded = db.session.scalars(select(Book).order_by(Book.id)).all()
        for book in loaded:  # load every attribute and relation up front, as DRF's rows are
            _ = book.title, book.author
        author_id = author.id
        cupola_data = BookSerializer(loaded, many=True).data
        pydantic_data = many.dump_python(many.validate_python(loaded), mode="json")
        assert len(cupola_data) == len(pydantic_data) == rows
        assert cupola_data[1]["price"] == pydantic_data[1]["price"] == "1.99"
        results = {
            "cupola": {
                "dump": best_of(rounds, lambda: BookSerializer(loaded, many=True).data),
                "validate": best_of(rounds, lambda: _cupola_validate(BookSerializer), 2000),
            },
            "pydantic": {
                "dump": best_of(
                    rounds, lambda: many.dump_python(many.validate_python(loaded), mode="json")
                ),
                "validate": best_of(rounds, lambda: BookIn.model_validate(PAYLOAD), 2000),
            },
        }
        # Last: the commits expire the rows loaded above.
        create = best_of(rounds, lambda: _cupola_create(db, BookSerializer, author_id), 300)
        results["cupola"]["create"] = create
    return results


_titles = itertools.count()


def _cupola_create(db: Database, serializer_class: Any, author_id: int) -> Any:
    data = {**PAYLOAD, "title": f"New {next(_titles)}", "author": author_id}
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise AssertionError(serializer.errors)
    serializer.save()
    output = serializer.data
    # NOTE: a request's session ends with the request; one kept across calls would hold
    # every row made so far, and a commit expires them all.
    db.session.remove()
    return output


def _cupola_validate(serializer_class: Any) -> None:
    serializer = serializer_class(data=PAYLOAD)
    # NOTE: the title's UniqueValidator queries the database; the bench times the fields.
    title = serializer.fields["title"]
    title.validators = [v for v in title.validators if not hasattr(v, "queryset")]
    if not serializer.is_valid():
        raise AssertionError(serializer.errors)


DRF_SCRIPT = r"""
import datetime, json, sys, time
from decimal import Decimal
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=False,
)
django.setup()
from django.db import connection, models
from rest_framework import serializers

rows, rounds, payload = int(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])

class Author(models.Model):
    name = models.CharField(max_length=100)
    class Meta:
        app_label = "shelf"

class Book(models.Model):
    title = models.CharField(max_length=200, unique=True)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateField(null=True)
    in_stock = models.BooleanField(default=True)
    author = models.ForeignKey(Author, null=True, on_delete=models.SET_NULL)
    class Meta:
        app_label = "shelf"

class BookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Book
        fields = ["id", "title", "price", "published", "in_stock", "author"]

with connection.schema_editor() as editor:
    editor.create_model(Author)
    editor.create_model(Book)
author = Author.objects.create(name="Herbert")
Book.objects.bulk_create(
    Book(title=f"Book {n}", price=Decimal(n % 100) + Decimal("0.99"),
         published=datetime.date(2026, 1, 1) if n % 2 else None,
         author=author if n % 3 else None)
    for n in range(rows)
)
loaded = list(Book.objects.order_by("id"))

def best_of(call, number=1):
    call()
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(number):
            call()
        best = min(best, (time.process_time() - start) / number)
    return best

def validate():
    serializer = BookSerializer(data=payload)
    title = serializer.fields["title"]
    title.validators = [v for v in title.validators if not hasattr(v, "queryset")]
    assert serializer.is_valid(), serializer.errors

titles = iter(range(10**9))

def create():
    data = {**payload, "title": f"New {next(titles)}", "author": author.id}
    serializer = BookSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    serializer.save()
    return serializer.data

assert BookSerializer(loaded, many=True).data[1]["price"] == "1.99"
print(json.dumps({"dump": best_of(lambda: BookSerializer(loaded, many=True).data),
                  "validate": best_of(validate, 2000), "create": best_of(create, 300)}))
"""


def drf(python: str, rows: int, rounds: int) -> dict[str, float] | str:
    """Time DRF in its own interpreter; the reason it could not run, as text."""
    if not Path(python).exists():
        return f"no interpreter at {python}"
    done = subprocess.run(
        [python, "-c", DRF_SCRIPT, str(rows), str(rounds), json.dumps(PAYLOAD)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if done.returncode != 0:
        return done.stderr.strip().splitlines()[-1] if done.stderr else "failed"
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--drf-python", default=os.environ.get("DRF_PYTHON", "/work/scratch-drf/bin/python")
    )
    args = parser.parse_args()
    results: dict[str, Any] = cupola_and_pydantic(args.rows, args.rounds)
    results["drf"] = drf(args.drf_python, args.rows, args.rounds)
    base = results["cupola"]
    print(
        f"{args.rows} rows to primitives (dump), one payload validated without queries "
        "(validate), one row validated, inserted, committed and output (create, SQLite):"
    )
    print(f"{'':10} {'dump ms':>8} {'rows/s':>8} {'validate us':>12} {'create us':>10}  vs cupola")
    for name, figures in results.items():
        if isinstance(figures, str):
            print(f"{name:10} skipped: {figures}")
            continue
        create = figures.get("create")
        ratios = [
            figures[key] / base[key] for key in ("dump", "validate", "create") if key in figures
        ]
        print(
            f"{name:10} {figures['dump'] * 1e3:8.2f} {args.rows / figures['dump']:8.0f} "
            f"{figures['validate'] * 1e6:12.1f} "
            f"{'-' if create is None else f'{create * 1e6:.0f}':>10}  "
            + " / ".join(f"{ratio:.2f}x" for ratio in ratios)
        )
    print("(vs cupola: the contender's time over Cupola's, per column; above 1 is slower)")


if __name__ == "__main__":
    main()
