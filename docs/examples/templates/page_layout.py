from cupola import Cupola, flash, redirect, render, url_for
from cupola.forms import Form, IntegerField, StringField, validators

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret", "BOOTSTRAP": True})


class BookForm(Form):
    title = StringField("Title", [validators.InputRequired(), validators.Length(max=200)])
    year = IntegerField("Year", [validators.Optional()], description="Of first publication.")


@app.route("/books/new", methods=["GET", "POST"])
def new_book():
    form = BookForm()
    if form.validate_on_submit():
        flash(f"“{form.title.data}” was added.", "success")
        return redirect(url_for("new_book"))
    return render("new_book.html", form=form)
