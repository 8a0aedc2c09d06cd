/* Region profile map: where the region lies among its neighbours, and the regions within it,
   drawn with the vendored Leaflet from the polygons inlined in the page (#region-map-data).
   No tile layer and no request: nothing may be fetched from outside the app. Clicking a
   polygon opens that region's profile. */
(function () {
  "use strict";
  var box = document.getElementById("region-map");
  var data = document.getElementById("region-map-data");
  if (!box || !data || typeof L === "undefined") {
    return;
  }
  var collection = JSON.parse(data.textContent);
  var root = box.getAttribute("data-root") || "";
  var fills = { ini: "#0b4f8a", anak: "#9ec5e8", sekitar: "#e6e6e6" };
  var map = L.map(box, { zoomSnap: 0.1, scrollWheelZoom: false, attributionControl: true });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Batas: cahyadsn/wilayah_boundaries (MIT)");
  var layer = L.geoJSON(collection, {
    style: function (feature) {
      var role = feature.properties.peran;
      return { color: "#4d4d4d", weight: role === "sekitar" ? 0.6 : 1, fillColor: fills[role] || "#cccccc", fillOpacity: 0.85 };
    },
    onEachFeature: function (feature, shape) {
      var p = feature.properties;
      var name = document.createElement("span");
      name.textContent = p.nama; // text, never HTML: names come from data
      shape.bindTooltip(name, { sticky: true, direction: "top" });
      shape.on("click", function () {
        window.location.href = root + "/id/wilayah/" + encodeURIComponent(p.kode);
      });
    }
  }).addTo(map);
  var focus = L.featureGroup();
  layer.eachLayer(function (shape) {
    if (shape.feature.properties.peran !== "sekitar") {
      focus.addLayer(shape);
    }
  });
  map.fitBounds((focus.getLayers().length ? focus : layer).getBounds().pad(0.15));
  // Leaflet draws the paths once the map has a view: only now do they exist.
  layer.eachLayer(function (shape) {
    shape.getElement().setAttribute("data-kode", shape.feature.properties.kode);
  });
  box.setAttribute("data-drawn", String(collection.features.length));
})();
