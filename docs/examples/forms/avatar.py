import os
import secrets

from cupola import Cupola, current_app, redirect, render, url_for
from cupola.forms import FileAllowed, FileField, FileRequired, FileSize, Form, StringField

app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret", "UPLOAD_FOLDER": "/srv/avatars"})


class AvatarForm(Form):
    image = FileField(
        "Image",
        [FileRequired(), FileAllowed(["png", "jpg", "jpeg"]), FileSize(max_size=1024 * 1024)],
    )
    caption = StringField("Caption")


@app.route("/avatar", methods=["GET", "POST"])
def avatar():
    form = AvatarForm()
    if form.validate_on_submit():
        upload = form.image.data
        name = f"{secrets.token_hex(8)}-{upload.filename}"  # a name no other upload has
        upload.save(os.path.join(current_app.config["UPLOAD_FOLDER"], name))
        return redirect(url_for("avatar"), 303)
    return render("avatar.html", form=form)
