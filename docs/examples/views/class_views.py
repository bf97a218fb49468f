from cupola import Cupola, View, abort


class NoteList(View):
    def __init__(self, notes):
        self.notes = notes

    def get(self, request):
        return list(self.notes.values())

    def post(self, request):
        note_id = max(self.notes, default=0) + 1
        self.notes[note_id] = {"id": note_id, "text": request.json["text"]}
        return self.notes[note_id], 201, {"Location": f"/notes/{note_id}"}


class NoteDetail(View):
    def __init__(self, notes):
        self.notes = notes

    def get(self, request, note_id):
        if note_id not in self.notes:
            abort(404)
        return self.notes[note_id]

    def delete(self, request, note_id):
        self.notes.pop(note_id, None)
        return "", 204


app = Cupola(__name__)
notes = {1: {"id": 1, "text": "Buy milk"}}
app.add_url_rule("/notes", view_func=NoteList.as_view("note_list", notes))
app.add_url_rule("/notes/<int:note_id>", view_func=NoteDetail.as_view("note_detail", notes))
