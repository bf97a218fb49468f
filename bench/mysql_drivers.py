"""MySQL/MariaDB drivers compared: PyMySQL (pure Python) against mysqlclient (C).

The same Cupola app (``cupola.db``, default middleware stack) reads one row by primary key
(``db_read``) and a page of 20 rows out of 1,000 with its count (``db_page``) from a MariaDB
database of its own, called in-process through its WSGI callable, once per driver. Prints
requests per second (median of the rounds, with the spread) and the ratio.

Run: ``bash bench/run.sh --mysql`` (installs mysqlclient's build needs when root), or
``python bench/mysql_drivers.py`` in an environment with both drivers.
Reads ``CUPOLA_BENCH_MYSQL_URL`` (default ``mysql+pymysql://root@127.0.0.1:3306/test``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from sqlalchemy import String, create_engine, make_url, select, text
from sqlalchemy.orm import Mapped, mapped_column

from cupola import Cupola
from cupola.db import Database

BASE_URL = os.environ.get("CUPOLA_BENCH_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
DATABASE = "cupola_bench_drivers"
DRIVERS = {"pymysql": "mysql+pymysql", "mysqlclient": "mysql+mysqldb"}
ROWS = 1000


def make_app(drivername: str) -> Cupola:
    url = make_url(BASE_URL).set(drivername=drivername, database=DATABASE)
    app = Cupola(
        __name__,
        config={
            "SECRET_KEY": "bench-" * 8,
            "ALLOWED_HOSTS": ["bench.local"],
            "DATABASE_URL": url.render_as_string(hide_password=False),
        },
    )
    db = Database(app)

    class Item(db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(String(100))
        price: Mapped[float]

    @app.get("/db/item/<int:item_id>")
    def db_read(item_id: int) -> Any:
        item = db.get_or_404(Item, item_id)
        return {"id": item.id, "name": item.name, "price": item.price}

    @app.get("/db/items")
    def db_page() -> Any:
        page = db.paginate(select(Item).order_by(Item.id), page=3, per_page=20)
        items = [{"id": i.id, "name": i.name, "price": i.price} for i in page.items]
        return {"count": page.total, "items": items}

    with app.app_context():
        db.create_all()
        if not db.session.scalar(select(Item.id).limit(1)):
            db.session.add_all(Item(name=f"item {i}", price=i / 4) for i in range(ROWS))
            db.session.commit()
    return app


def environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "bench.local",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "bench.local",
        "wsgi.url_scheme": "http",
        "wsgi.input": None,
        "wsgi.errors": None,
    }


def rate(app: Cupola, path: str, seconds: float) -> float:
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    count, deadline = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(50):
            b"".join(app(environ(path), start_response))
        count += 50
    elapsed = time.perf_counter() - started
    assert set(statuses) == {"200 OK"}, set(statuses)
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", type=float, default=1.0, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    admin = create_engine(BASE_URL)
    with admin.begin() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{DATABASE}`"))
        connection.execute(text(f"CREATE DATABASE `{DATABASE}` CHARACTER SET utf8mb4"))
    try:
        results: dict[str, dict[str, list[float]]] = {}
        for name, drivername in DRIVERS.items():
            app = make_app(drivername)
            results[name] = {}
            for scenario, path in (("db_read", "/db/item/500"), ("db_page", "/db/items")):
                rate(app, path, 0.3)  # warm-up: pool filled, statements cached
                results[name][scenario] = [rate(app, path, args.round) for _ in range(args.rounds)]
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS `{DATABASE}`"))
        admin.dispose()
    print("| scenario | PyMySQL req/s | mysqlclient req/s | mysqlclient / PyMySQL |")
    print("|---|---:|---:|---:|")
    for scenario in ("db_read", "db_page"):
        py, c = results["pymysql"][scenario], results["mysqlclient"][scenario]
        ratio = statistics.median(c) / statistics.median(py)
        print(f"| {scenario} | {median_and_spread(py)} | {median_and_spread(c)} | {ratio:.2f}x |")


def median_and_spread(rates: list[float]) -> str:
    """``"2,200 ±4%"``: the median rate and half the range around it."""
    median = statistics.median(rates)
    return f"{median:,.0f} ±{(max(rates) - min(rates)) / 2 / median:.0%}"


if __name__ == "__main__":
    main()
