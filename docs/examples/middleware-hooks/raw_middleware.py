from cupola import Cupola

app = Cupola(__name__)


@app.get("/")
def index():
    return "hello"


class WSGIPoweredBy:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.append(("X-Powered-By", "Cupola"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


class ASGIPoweredBy:
    def __init__(self, asgi_app):
        self.asgi_app = asgi_app

    async def __call__(self, scope, receive, send):
        async def send_with_header(message):
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-powered-by", b"Cupola")]
                message = {**message, "headers": headers}
            await send(message)

        await self.asgi_app(scope, receive, send_with_header)


wsgi_application = WSGIPoweredBy(app)  # gunicorn module:wsgi_application
asgi_application = ASGIPoweredBy(app.asgi)  # uvicorn module:asgi_application
