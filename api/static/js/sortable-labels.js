/* The sortable tables' spoken labels in Indonesian first, English beside.
   The vendored keyboard support (vendor/sortable/sortable.a11y.min.js) names each heading
   "Click to sort table by … in … order" through its global updateSortableAriaLabel, which it
   looks up each time it labels a heading; this script, loaded after it, puts the same
   function in Indonesian in its place, so the vendored file stays as published. */
(function () {
  "use strict";
  var ORDER = {
    ascending: ["naik", "ascending"],
    descending: ["turun", "descending"]
  };

  window.updateSortableAriaLabel = function (heading, next) {
    var name = (heading.textContent || "kolom").replace(/\s+/g, " ").trim();
    var label;
    if (next === "no-sort") {
      label = "Kolom " + name + " tidak dapat diurutkan / Column " + name + " is not sortable";
    } else {
      var current = heading.getAttribute("aria-sort");
      if (current) {
        next = current === "descending" ? "ascending" : "descending";
      }
      var order = ORDER[next] || ORDER.descending;
      label = "Klik untuk mengurutkan tabel menurut " + name + " secara " + order[0] +
        " / Click to sort table by " + name + " in " + order[1] + " order";
    }
    heading.setAttribute("aria-label", label);
  };
})();
