from cupola import Cupola
from cupola.forms import Form, IntegerField, StringField, validators

app = Cupola(__name__)

BOOKS = {}


class BookForm(Form):
    class Meta:
        csrf = False  # API clients authenticate without cookies; see the CSRF page

    title = StringField("Title", [validators.InputRequired(), validators.Length(max=200)])
    year = IntegerField("Year", [validators.Optional(), validators.NumberRange(1450, 2100)])


@app.post("/api/books")
def create_book():
    form = BookForm()
    if not form.validate():
        return {"errors": form.errors}, 422
    book_id = len(BOOKS) + 1
    BOOKS[book_id] = form.data
    return {"id": book_id, **form.data}, 201
