from pathlib import Path

from cupola import Cupola, FileResponse

REPORTS = Path(__file__).parent / "files"

app = Cupola(__name__)


@app.get("/report")
def report():
    return FileResponse(REPORTS / "report.txt", as_attachment=True, filename="q3-report.txt")
