from urllib.parse import quote

from cupola import Cupola, url_for
from cupola.routing import BaseConverter, ValidationError


class ListConverter(BaseConverter):
    """Comma-separated values: ``/compare/a,b`` gives ``["a", "b"]``."""

    def to_python(self, value):
        items = value.split(",")
        if "" in items:
            raise ValidationError("an item is empty")
        return items

    def to_url(self, value):
        return ",".join(quote(item, safe="") for item in value)


app = Cupola(__name__)
app.url_converters["list"] = ListConverter


@app.get("/compare/<list:names>")
def compare(names):
    return {"names": names, "reversed": url_for("compare", names=names[::-1])}
