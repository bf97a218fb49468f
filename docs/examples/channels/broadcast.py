from cupola import Cupola
from cupola.channels import JsonWebSocketConsumer, async_broadcast, broadcast

app = Cupola(__name__)
books: list[str] = []


class NewBooks(JsonWebSocketConsumer):
    async def connect(self):
        await self.group_add("new-books")
        await self.accept()

    async def book_added(self, event):  # handles {"type": "book.added", …}
        await self.send_json({"title": event["title"]})


app.add_websocket_route("/ws/new-books", NewBooks)


@app.post("/books")
def add_book(request):  # a sync view: broadcast() waits until the layer has the message
    title = str(request.json["title"])
    books.append(title)
    broadcast("new-books", {"type": "book.added", "title": title})
    return {"added": title}, 201


@app.post("/books/import")
async def import_books(request):  # an async view awaits async_broadcast()
    for title in request.json["titles"]:
        books.append(str(title))
        await async_broadcast("new-books", {"type": "book.added", "title": str(title)})
    return {"imported": len(request.json["titles"])}
