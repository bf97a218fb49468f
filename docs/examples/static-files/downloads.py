import csv
import io
from pathlib import Path

from cupola import Cupola
from cupola.static import send_file, send_from_directory

CATALOGUES = Path(__file__).parent / "catalogues"

app = Cupola(__name__)


@app.get("/catalogues/<path:name>")
def catalogue(name):
    return send_from_directory(CATALOGUES, name, as_attachment=True)


@app.get("/export.csv")
def export():
    text = io.StringIO()
    csv.writer(text).writerows([("title", "year"), ("Emma", 1815), ("Middlemarch", 1871)])
    data = io.BytesIO(text.getvalue().encode())
    return send_file(data, download_name="books.csv", as_attachment=True)
