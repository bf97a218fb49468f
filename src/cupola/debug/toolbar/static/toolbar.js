// Cupola debug toolbar: open and close the dock, switch panels. No dependencies.
(function () {
  "use strict";
  var root = document.getElementById("cupola-debug-toolbar");
  if (!root) { return; }
  var handle = root.querySelector(".cdt-handle");
  var dock = root.querySelector(".cdt-dock");
  var tabs = root.querySelectorAll(".cdt-tabs button");
  var KEY = "cupola-debug-toolbar";

  function show(name) {
    tabs.forEach(function (tab) {
      var selected = tab.getAttribute("data-panel") === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
    });
    try { localStorage.setItem(KEY + ":panel", name); } catch (e) { /* private mode */ }
  }
  function setOpen(open) {
    dock.hidden = !open;
    handle.setAttribute("aria-expanded", open ? "true" : "false");
    root.classList.toggle("cdt-open", open);
    try { localStorage.setItem(KEY + ":open", open ? "1" : ""); } catch (e) { /* ignore */ }
  }

  handle.addEventListener("click", function () { setOpen(dock.hidden); });
  root.querySelector(".cdt-close").addEventListener("click", function () { setOpen(false); });
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { show(tab.getAttribute("data-panel")); });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !dock.hidden) { setOpen(false); }
  });

  var remembered = null;
  try { remembered = localStorage.getItem(KEY + ":panel"); } catch (e) { /* ignore */ }
  var names = Array.prototype.map.call(tabs, function (tab) { return tab.getAttribute("data-panel"); });
  show(names.indexOf(remembered) >= 0 ? remembered : names[0]);
  var open = false;
  try { open = localStorage.getItem(KEY + ":open") === "1"; } catch (e) { /* ignore */ }
  setOpen(open);
})();
