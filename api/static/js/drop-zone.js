// The upload form's drop zone: a file dropped on the box goes into its <input type=file>, so the
// form posts exactly as without this script (which only adds dragging; the input works alone).
(function () {
  "use strict";
  document.querySelectorAll("[data-drop-zone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var shown = zone.querySelector("[data-drop-name]");
    if (!input) return;
    function show() {
      if (shown) shown.textContent = input.files && input.files.length ? input.files[0].name : "";
    }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
    input.addEventListener("change", show);
  });
})();
