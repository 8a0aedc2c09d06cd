/* The question page: draw the chart from its JSON, and copy the shareable link. */
(function () {
  "use strict";

  function drawChart() {
    var canvas = document.getElementById("chart");
    var source = document.getElementById("chart-data");
    if (!canvas || !source || !window.Chart || !window.chartFromJson) {
      return;
    }
    window.chartFromJson(canvas, JSON.parse(source.textContent));
  }

  function copyLinks() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copy-status");
      button.addEventListener("click", function () {
        function done(ok) {
          if (status) {
            status.textContent = ok ? "Tersalin / Copied" : "Salin manual: Ctrl+C / Copy by hand: Ctrl+C";
          }
        }
        field.select();
        // The clipboard API needs a secure context (https or localhost); an intranet
        // address over http falls back to the older copy command.
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () {
            done(document.execCommand("copy"));
          });
        } else {
          done(document.execCommand("copy"));
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    copyLinks();
  });
})();
