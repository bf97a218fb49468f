// New books: every page listens on one WebSocket and shows a notice when a book is added.
// Text is inserted as text, never as HTML.
"use strict";

(() => {
  const box = document.getElementById("new-books");
  if (!box || !("WebSocket" in window)) {
    return;
  }
  const socket = new WebSocket(box.dataset.socket);
  socket.addEventListener("open", () => {
    box.dataset.state = "connected";
  });
  socket.addEventListener("message", (event) => {
    const book = JSON.parse(event.data);
    const item = document.createElement("p");
    item.className = "new-book";
    item.append(document.createTextNode("New on the shelf: "));
    const link = document.createElement("a");
    link.href = book.url;
    link.textContent = book.title;
    item.append(link, document.createTextNode(" by " + book.author + "."));
    box.replaceChildren(item);
    box.hidden = false;
  });
})();
