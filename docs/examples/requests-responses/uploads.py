import os

from cupola import Cupola, abort, current_app

app = Cupola(__name__, config={"UPLOAD_FOLDER": "/srv/uploads"})


@app.post("/avatar")
def upload_avatar(request):
    upload = request.files.get("avatar")
    if upload is None or not upload.filename:
        abort(400, "Send the image in the 'avatar' field.")
    upload.save(os.path.join(current_app.config["UPLOAD_FOLDER"], upload.filename))
    return {
        "filename": upload.filename,
        "sent_as": upload.raw_filename,
        "size": upload.size,
        "content_type": upload.content_type,
        "caption": request.form.get("caption", ""),
    }
