import csv
import io

from cupola import Cupola
from cupola.rest import exceptions, parsers, renderers
from cupola.rest.response import Response
from cupola.rest.views import APIView

app = Cupola(__name__)
app.config["REST"] = {"DEFAULT_AUTHENTICATION_CLASSES": [], "DEFAULT_PERMISSION_CLASSES": []}

SCORES = [{"name": "ann", "score": 3}, {"name": "bob", "score": 5}]


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()


class PlainTextParser(parsers.BaseParser):
    media_type = "text/plain"

    def parse(self, stream, media_type=None, parser_context=None):
        name, _, score = stream.read().decode().partition("=")
        if not score.strip().isdigit():
            raise exceptions.ParseError("Expected name=score.")
        return {"name": name.strip(), "score": int(score)}


class Scores(APIView):
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]
    parser_classes = [parsers.JSONParser, PlainTextParser]

    def get(self, request):
        return Response(SCORES)

    def post(self, request):
        SCORES.append({"name": request.data["name"], "score": int(request.data["score"])})
        return Response(SCORES[-1], status=201)


app.add_url_rule("/scores", view_func=Scores.as_view("scores"))
