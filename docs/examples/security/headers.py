from cupola import Cupola

app = Cupola(
    __name__,
    config={
        "ALLOWED_HOSTS": ["books.example.com", ".books.example.org"],
        "SECURE_HSTS_SECONDS": 3600,  # one hour while trying HTTPS out; a year once sure
        "CONTENT_SECURITY_POLICY": {
            "default-src": ["'self'"],
            "img-src": ["'self'", "data:"],
        },
    },
)


@app.get("/")
def home():
    return "<h1>Bookshop</h1>"


@app.get("/basket-widget")
def basket_widget():
    # Shown in a frame by the shop's own pages: this view sets the header itself.
    return "<p>3 books in your basket</p>", {"X-Frame-Options": "SAMEORIGIN"}
