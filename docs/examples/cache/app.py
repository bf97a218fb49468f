import time

from cupola import Cupola
from cupola.cache import cache, cached

app = Cupola(__name__, config={"CACHE_URL": "memory://", "CACHE_DEFAULT_TTL": 300})

TITLES = {1: "Emma", 2: "Middlemarch"}


def slow_title(book_id):
    time.sleep(0.01)  # stands for a slow query or a remote call
    return TITLES.get(book_id)


@app.get("/books/<int:book_id>")
def book(book_id):
    key = f"title:{book_id}"
    title = cache.get(key)
    if title is None:
        title = slow_title(book_id)
        cache.set(key, title, ttl=600)
    return {"title": title}


@app.post("/books/<int:book_id>/reads")
def count_read(book_id):
    return {"reads": cache.incr(f"reads:{book_id}", ttl=24 * 3600)}


@app.get("/report")
@cached(ttl=60)
def report():
    return {"generated": time.time(), "books": len(TITLES)}
