from cupola import Cupola, flash, redirect, render, url_for
from cupola.forms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    StringField,
    SubmitField,
    ValidationError,
    validators,
)

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})

USERNAMES = {"ada"}


class SignupForm(Form):
    username = StringField("User name", [validators.InputRequired(), validators.Length(3, 30)])
    email = EmailField("Email", [validators.InputRequired()])
    password = PasswordField(
        "Password",
        [validators.InputRequired(), validators.Length(min=12)],
        description="At least 12 characters.",
    )
    confirm = PasswordField(
        "Repeat the password", [validators.EqualTo("password", "The passwords differ.")]
    )
    terms = BooleanField("I accept the terms", [validators.DataRequired()])
    submit = SubmitField("Sign up")

    def validate_username(self, field):
        if field.data.lower() in USERNAMES:
            raise ValidationError("That name is taken.")


@app.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        USERNAMES.add(form.username.data.lower())
        flash(f"Welcome, {form.username.data}!")
        return redirect(url_for("welcome"))
    return render("signup.html", form=form)


@app.get("/welcome")
def welcome():
    return render("welcome.html")
