// The map: markers from the page's JSON; the list below the map is its text equivalent.
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-config");
  if (!el || !data || !window.L) return;
  var config = JSON.parse(data.textContent);
  el.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
  // Zoom buttons named in the page's language (Leaflet's own names are English).
  L.control.zoom({
    zoomInTitle: el.dataset.zoomIn || "Zoom in",
    zoomOutTitle: el.dataset.zoomOut || "Zoom out"
  }).addTo(map);
  if (config.tiles) {
    L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
  }
  var bounds = [];
  config.markers.forEach(function (m) {
    var marker = L.marker(m.pos, { title: m.name, alt: m.name }).addTo(map);
    var link = document.createElement("a");
    link.href = m.url;
    link.textContent = m.name + " · " + (m.open ? config.open : config.closed);
    marker.bindPopup(link);
    bounds.push(m.pos);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  } else {
    map.setView([31.23, 121.47], 11);
  }
})();
