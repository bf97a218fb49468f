from dataclasses import dataclass

from cupola import Cupola
from cupola.auth.models import AnonymousUser
from cupola.rest.authentication import BaseAuthentication
from cupola.rest.exceptions import NotFound
from cupola.rest.permissions import (
    SAFE_METHODS,
    BasePermission,
    IsAdminUser,
    IsAuthenticatedOrReadOnly,
)
from cupola.rest.response import Response
from cupola.rest.views import APIView

app = Cupola(__name__)


@dataclass
class User:
    username: str
    is_staff: bool = False
    is_authenticated: bool = True


USERS = {"ada": User("ada"), "bob": User("bob"), "root": User("root", is_staff=True)}
NOTES = {1: {"id": 1, "owner": "ada", "text": "Buy milk"}}


class NameAuthentication(BaseAuthentication):
    """Stands for a real scheme: ``X-User: ada``."""

    def authenticate(self, request):
        user = USERS.get(request.headers.get("X-User", ""))
        return None if user is None else (user, None)

    def authenticate_header(self, request):
        return "X-User"


class ReadOnly(BasePermission):
    def has_permission(self, request, view):
        return request.method in SAFE_METHODS


class IsOwner(BasePermission):
    message = "Only the owner may change this note."

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or obj["owner"] == request.user.username


class NoteDetail(APIView):
    authentication_classes = [NameAuthentication]
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwner]  # each must allow

    def get_object(self, pk):
        note = NOTES.get(pk)
        if note is None:
            raise NotFound()
        self.check_object_permissions(self.request, note)  # has_object_permission
        return note

    def get(self, request, pk):
        return Response(self.get_object(pk))

    def put(self, request, pk):
        note = self.get_object(pk)
        note["text"] = request.data["text"]
        return Response(note)


class Settings(APIView):
    authentication_classes = [NameAuthentication]
    permission_classes = [IsAdminUser | ReadOnly]  # admins write, everyone reads

    def get(self, request):
        anonymous = isinstance(request.user, AnonymousUser)
        return Response({"theme": "dark", "anonymous": anonymous})

    def post(self, request):
        return Response({"saved": True})


app.add_url_rule("/notes/<int:pk>", view_func=NoteDetail.as_view("note"))
app.add_url_rule("/settings", view_func=Settings.as_view("settings"))
