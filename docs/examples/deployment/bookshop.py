import os

from cupola import Cupola, render, session

app = Cupola(__name__)
app.config.update(
    # Secrets come from the environment, never from the code.
    SECRET_KEY=os.environ.get("BOOKSHOP_SECRET_KEY"),
    SECRET_KEY_FALLBACKS=os.environ.get("BOOKSHOP_OLD_SECRET_KEYS", "").split(),
    ALLOWED_HOSTS=["books.example.com"],
    # nginx is the one proxy in front of the workers, which listen on 127.0.0.1 only.
    TRUSTED_PROXIES=1,
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=3600,  # raise to 31536000 once HTTPS works everywhere
    SESSION_COOKIE_SECURE=True,
    # Every worker process sees the same sessions, cache and throttle counters.
    SESSION_BACKEND=os.environ.get("BOOKSHOP_REDIS_URL", "redis://127.0.0.1:6379/0"),
    CACHE_URL=os.environ.get("BOOKSHOP_REDIS_URL", "redis://127.0.0.1:6379/0"),
    STATIC_URL_HASH=True,
)


@app.get("/")
def home():
    session["visits"] = session.get("visits", 0) + 1
    return render("home.html", visits=session["visits"])
