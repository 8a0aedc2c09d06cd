/* Peta: the choropleth of /map, drawn with the vendored Leaflet. No tile layer (an intranet has no
   internet, and nothing may be fetched from outside the app): only the polygons of
   /map/data.geojson, coloured by the server's classes; a region without a value is hatched
   (the page's SVG pattern #tanpa-data). The legend and the table of values are in the HTML. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || typeof L === "undefined") {
    return;
  }
  var line = "#4d4d4d";
  var map = L.map(box, { zoomSnap: 0.1, scrollWheelZoom: false });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Batas: cahyadsn/wilayah_boundaries (MIT)");

  function tooltip(p) {
    // Built as text nodes, never as HTML: region names come from data.
    var node = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = p.nama;
    node.appendChild(name);
    node.appendChild(document.createTextNode(": " + (p.label !== null ? p.label : "tanpa data / no data")));
    return node;
  }

  function draw(collection) {
    var layer = L.geoJSON(collection, {
      style: function (feature) {
        var p = feature.properties;
        return {
          // A value outside its indicator's declared bounds: a thick red dashed outline, as a warning.
          color: p.impossible ? "#b2182b" : line,
          weight: p.impossible ? 3 : 1,
          dashArray: p.impossible ? "4 3" : null,
          className: p.impossible ? "impossible-region" : "",
          fillColor: p.fill || "url(#tanpa-data)",
          fillOpacity: p.fill ? 0.9 : 1
        };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindTooltip(tooltip(p), { sticky: true, direction: "top" });
        shape.on("click", function () {
          window.location.href = p.href;
        });
        shape.on("mouseover", function () {
          shape.setStyle({ weight: 3, color: "#000000" });
          shape.bringToFront();
        });
        shape.on("mouseout", function () {
          shape.setStyle(p.impossible ? { weight: 3, color: "#b2182b" } : { weight: 1, color: line });
        });
      }
    }).addTo(map);
    if (collection.features.length) {
      map.fitBounds(layer.getBounds(), { padding: [8, 8] });
    } else {
      map.setView([0, 0], 1);
    }
    // Leaflet draws the paths once the map has a view: only now do they exist.
    layer.eachLayer(function (shape) {
      // The region's code on its path: the table and the map can be matched (and tested).
      shape.getElement().setAttribute("data-kode", shape.feature.properties.kode);
    });
    box.setAttribute("data-features", String(collection.features.length));
    box.setAttribute("data-ready", "true");
  }

  fetch(box.getAttribute("data-src"), { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      var note = document.createElement("p");
      note.className = "error-box";
      note.textContent = "Peta tidak dapat dimuat / the map could not be loaded (" + error.message +
        "). Tabel di bawah memuat setiap angka / the table below has every figure.";
      box.replaceWith(note);
    });
})();
