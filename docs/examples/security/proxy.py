from cupola import Cupola, request, url_for

app = Cupola(
    __name__,
    config={
        "ALLOWED_HOSTS": ["books.example.com"],
        # nginx runs on this machine and forwards to the application: believe it only.
        "TRUSTED_PROXIES": ["127.0.0.1", "::1"],
        "SECURE_SSL_REDIRECT": True,
    },
)


@app.get("/whoami")
def whoami():
    return {
        "client": request.remote_addr,
        "scheme": request.scheme,
        "host": request.host,
        "url": url_for("whoami", _external=True),
    }
