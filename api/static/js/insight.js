/* Wawasan: the scatter plot and regression line of /insight/correlate, drawn with the vendored Chart.js.
   The figures come from the page's <script type="application/json" id="insight-data"> (never inlined
   into code); the joined table on the page is the text alternative. */
(function () {
  "use strict";
  var source = document.getElementById("insight-data");
  var canvas = document.getElementById("insight-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
  var point = "rgba(31, 120, 180, 0.65)"; // ColorBrewer Paired blue
  var outlier = "#e66101"; // orange: tells apart from the blue for colour-blind readers too, and a triangle
  var impossible = "#b2182b"; // red, and a cross: a value outside its indicator's declared bounds
  var points = data.points;
  var who = data.level === "kecamatan" ? "Kecamatan" : "Desa";

  var chart = new Chart(canvas, {
    type: "scatter",
    data: {
      datasets: [
        {
          type: "scatter",
          label: who + " (" + points.length + ")",
          data: points,
          pointStyle: points.map(function (p) { return p.impossible ? "crossRot" : p.outlier ? "triangle" : "circle"; }),
          pointRadius: points.map(function (p) { return p.impossible || p.outlier ? 8 : 4; }),
          pointHoverRadius: points.map(function (p) { return p.impossible || p.outlier ? 10 : 6; }),
          borderWidth: points.map(function (p) { return p.impossible ? 3 : 1; }),
          backgroundColor: points.map(function (p) { return p.impossible ? impossible : p.outlier ? outlier : point; }),
          borderColor: points.map(function (p) {
            return p.impossible ? impossible : p.outlier ? "#7a3300" : "rgba(31, 120, 180, 1)";
          })
        },
        {
          type: "line",
          label: "Garis regresi / Regression line",
          data: data.line,
          borderColor: "#333333",
          backgroundColor: "#333333",
          borderWidth: 2,
          pointRadius: 0,
          pointHoverRadius: 0,
          fill: false
        }
      ]
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      locale: "id-ID",
      scales: {
        x: { type: "linear", title: { display: true, text: data.x_label }, beginAtZero: data.x_zero },
        y: { type: "linear", title: { display: true, text: data.y_label }, beginAtZero: data.y_zero }
      },
      plugins: {
        tooltip: {
          filter: function (item) { return item.datasetIndex === 0; },
          callbacks: {
            label: function (item) {
              var p = item.raw;
              return p.label + ": x = " + number.format(p.x) + ", y = " + number.format(p.y) +
                (p.outlier ? " (pencilan / outlier)" : "") +
                (p.impossible ? " (nilai mustahil / impossible value)" : "");
            }
          }
        }
      },
      onHover: function (event, elements) {
        var over = elements.some(function (e) { return e.datasetIndex === 0; });
        event.native.target.style.cursor = over ? "pointer" : "default";
      },
      onClick: function (event, elements) {
        var hit = elements.filter(function (e) { return e.datasetIndex === 0; })[0];
        if (hit) {
          window.location.href = points[hit.index].href;
        }
      }
    }
  });
  canvas.dataset.ready = "true";
  window.insightChart = chart; // for people poking at the page (and its tests)
})();
