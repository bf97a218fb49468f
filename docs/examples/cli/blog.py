from cupola import Cupola

app = Cupola(
    __name__,
    config={
        # SECRET_KEY is missing: an error for a deployment.
        "ALLOWED_HOSTS": ["blog.example.com"],
        "SESSION_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 3600,
        # CACHE_URL stays "memory://": a warning with several workers.
    },
)


@app.get("/")
def index():
    return "Welcome"
