from cupola import Cupola
from cupola.rest import exceptions, status
from cupola.rest.response import Response
from cupola.rest.reverse import reverse
from cupola.rest.views import APIView, exception_handler


def problem_details(exc, context):
    """Errors as RFC 9457 problem details, built on the default handler."""
    response = exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        response.data = {
            "status": response.status_code,
            "title": response.status_text,
            "detail": detail,
            "errors": None if detail else response.data,
        }
    return response


app = Cupola(__name__)
app.config["REST"] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "EXCEPTION_HANDLER": problem_details,
}

NOTES = {}


class Notes(APIView):
    def get(self, request):
        limit = int(request.query_params.get("limit", 10))
        return Response(list(NOTES.values())[:limit])

    def post(self, request):
        text = request.data.get("text", "")
        if not text.strip():
            raise exceptions.ValidationError({"text": ["This field may not be blank."]})
        note_id = len(NOTES) + 1
        NOTES[note_id] = {"id": note_id, "text": text}
        url = reverse("note", kwargs={"pk": note_id}, request=request)
        return Response(NOTES[note_id], status=status.HTTP_201_CREATED, headers={"Location": url})


class Note(APIView):
    def get(self, request, pk):
        if pk not in NOTES:
            raise exceptions.NotFound()
        return Response(NOTES[pk])

    def delete(self, request, pk):
        NOTES.pop(pk, None)
        return Response(status=status.HTTP_204_NO_CONTENT)


app.add_url_rule("/notes/", view_func=Notes.as_view("notes"))
app.add_url_rule("/notes/<int:pk>", view_func=Note.as_view("note"))
