// A form that takes long (publishing a draft: ~18 s on the demo) says so while it works: on
// submit its button is disabled and reads the form's data-busy text ("Sedang menerbitkan… /
// Publishing…"), so nobody clicks twice or wonders whether anything happened. The form posts
// exactly as without this script; the server also answers a repeated post with a clear page.
(function () {
  "use strict";
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent === "yes") {
        event.preventDefault(); // a second click while the first post is under way
        return;
      }
      form.dataset.sent = "yes";
      var button = form.querySelector("button[type=submit]");
      if (!button) return;
      form.dataset.label = button.innerHTML;
      button.disabled = true; // disabled after the submit event: the post still goes
      button.setAttribute("aria-busy", "true");
      button.textContent = form.dataset.busy;
      var status = form.querySelector("[data-busy-status]");
      if (status) status.textContent = form.dataset.busy;
    });
  });
  // Back from the result page (bfcache): the form is usable again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.dataset.sent = "";
      var button = form.querySelector("button[type=submit]");
      if (!button || !form.dataset.label) return;
      button.disabled = false;
      button.removeAttribute("aria-busy");
      button.innerHTML = form.dataset.label;
    });
  });
})();
