from cupola import Cupola, request

app = Cupola(__name__)


@app.get("/inspect/<name>")
def inspect(name):
    return {
        "method": request.method,
        "path": request.path,
        "full_path": request.full_path,
        "url": request.url,
        "scheme": request.scheme,
        "host": request.host,
        "is_secure": request.is_secure,
        "remote_addr": request.remote_addr,
        "user_agent": request.headers.get("User-Agent"),
        "view_args": request.view_args,
    }
