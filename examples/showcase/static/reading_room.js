// The reading room: one WebSocket per page. Messages are shown as text, never as HTML.
"use strict";

(() => {
  const room = document.getElementById("reading-room");
  if (!room) {
    return;
  }
  const list = room.querySelector(".messages");
  const status = room.querySelector(".status");
  const form = room.querySelector("form.say");
  const socket = new WebSocket(room.dataset.socket);

  function show(kind, text, user) {
    const item = document.createElement("li");
    item.className = kind;
    if (user) {
      const name = document.createElement("strong");
      name.textContent = user + ": ";
      item.append(name);
    }
    item.append(document.createTextNode(text));
    list.append(item);
    item.scrollIntoView({ block: "nearest" });
  }

  socket.addEventListener("open", () => {
    status.textContent = "Connected.";
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    show(message.kind, message.text, message.kind === "message" ? message.user : null);
  });
  socket.addEventListener("close", () => {
    status.textContent = "Disconnected. Reload the page to come back.";
    if (form) {
      form.querySelector("button").disabled = true;
    }
  });

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const input = form.elements.text;
      if (input.value.trim() && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ text: input.value }));
      }
      input.value = "";
    });
  }
})();
