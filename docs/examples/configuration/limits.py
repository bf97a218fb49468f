from cupola import Cupola

app = Cupola(
    __name__,
    config={
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_PARTS": 20,
        "MAX_FORM_FILES": 2,
    },
)


@app.post("/notes")
def add_note(request):
    return {"bytes": len(request.get_data())}


@app.post("/survey")
def survey(request):
    return {"answers": len(request.form), "files": len(request.files)}
