/* Draw a chart from plain data the server prepared (graph/question_pages.py chart_data):
 * {type, labels?, datasets: [{label, data}], xTitle, yTitle, xZero, yZero, pointLabels?, summary}.
 * The data arrives as JSON in a <script type="application/json"> element, never as code.
 * Numbers on axes and in tooltips are written the Indonesian way (1.234,5). */
(function () {
  "use strict";

  // Colours that keep 3:1 contrast on white and stay apart for common colour blindness.
  var COLOURS = ["#0b4f8a", "#b35900", "#1d5e20", "#8a1c5a", "#5a2a82", "#006d77"];
  var NUMBER = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });

  function chartFromJson(canvas, data) {
    var scatter = data.type === "scatter";
    var datasets = data.datasets.map(function (d, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: d.label,
        data: d.data,
        backgroundColor: data.type === "line" ? colour : colour + "cc",
        borderColor: colour,
        borderWidth: data.type === "line" ? 2 : 1,
        pointRadius: scatter ? 4 : 3,
        spanGaps: false
      };
    });
    var config = {
      type: data.type,
      data: scatter ? { datasets: datasets } : { labels: data.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        animation: false,
        locale: "id-ID",
        scales: {
          x: {
            type: scatter ? "linear" : "category",
            title: { display: true, text: data.xTitle },
            ticks: scatter ? { callback: function (v) { return NUMBER.format(v); } } : { autoSkip: true },
            beginAtZero: scatter && data.xZero !== false
          },
          y: {
            title: { display: true, text: data.yTitle },
            ticks: { callback: function (v) { return NUMBER.format(v); } },
            // Counts and percentages start at zero (the server says so: yZero); an index does not.
            beginAtZero: data.yZero !== false
          }
        },
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              title: function (items) {
                // A scatter point is named by its row (a village, a district).
                if (scatter && items.length && data.pointLabels) {
                  return data.pointLabels[items[0].dataIndex] || "";
                }
                return items.length ? items[0].label : "";
              },
              label: function (item) {
                var prefix = item.dataset.label ? item.dataset.label + ": " : "";
                if (scatter) {
                  return prefix + NUMBER.format(item.parsed.y) + " (" + data.xTitle + ": " +
                    NUMBER.format(item.parsed.x) + ")";
                }
                return prefix + NUMBER.format(item.parsed.y);
              }
            }
          }
        }
      }
    };
    return new Chart(canvas, config);
  }

  window.chartFromJson = chartFromJson;
})();
