from cupola import Cupola, View
from cupola.auth import Auth, UserMixin, login_required, login_user


class Reader(UserMixin):
    def __init__(self, id):
        self.id = id


app = Cupola(__name__, config={"SECRET_KEY": "dev-only-secret"})
auth = Auth(app, user_loader=Reader)  # any callable from an id to a user (or None)


@app.post("/demo-login")
def demo_login():
    login_user(Reader(7))
    return {"ok": True}


@app.get("/inbox")
@login_required
async def inbox(request):
    return {"reader": request.user.get_id()}


@login_required  # every verb of the class
class Shelf(View):
    def get(self, request):
        return {"shelf": f"reader {request.user.get_id()}"}


app.add_url_rule("/shelf", view_func=Shelf.as_view("shelf"))
