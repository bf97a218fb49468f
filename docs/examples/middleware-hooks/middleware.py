import time

from cupola import Cupola, JSONResponse, Middleware


class SecurityHeaders(Middleware):
    def process_response(self, request, response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


class Maintenance(Middleware):
    def process_request(self, request):
        if self.app.config["MAINTENANCE"]:
            return JSONResponse(
                {"detail": "Back soon."}, status=503, headers={"Retry-After": "600"}
            )
        return None


class Timing(Middleware):
    def process_request(self, request):
        request.started = time.perf_counter()

    def process_response(self, request, response):
        elapsed_ms = (time.perf_counter() - request.started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed_ms:.1f}"
        return response


app = Cupola(
    __name__,
    config={"MAINTENANCE": False, "MIDDLEWARE": [SecurityHeaders, Maintenance, Timing]},
)


@app.get("/")
def index():
    return {"hello": "world"}
