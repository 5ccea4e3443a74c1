/* The station map: Leaflet (vendored in assets/vendor/leaflet/) and the tile
   source from site.yaml. An enhancement: nothing is downloaded until the
   rider taps the map button, and the list above works if the tiles never load.
   stations.json is WGS-84; GCJ-02 tiles (Amap, Tencent) need GCJ-02 markers,
   so points are converted with assets/geo.js (the same maths as fengchao/geo.py). */
(function () {
  "use strict";
  var section = document.getElementById("map-section");
  var geo = window.FengchaoGeo;
  if (!section || !geo || !window.fetch || !window.Promise) return;
  var button = document.getElementById("map-show");
  var box = document.getElementById("map");
  var status = document.getElementById("map-status");
  var d = function (name) { return section.getAttribute("data-" + name); };
  // The wording comes with the page (data-text, from the strings file): none is written here.
  var T = null;
  try { T = JSON.parse(d("text")); } catch (e) { /* an old template without it */ }
  if (!T) return;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function loadCss(href) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    document.head.appendChild(link);
  }

  function draw(data) {
    var L = window.L, gcj = d("datum") === "gcj02", points = [];
    var map = L.map(box, { zoomControl: false, attributionControl: true });
    L.control.zoom({ zoomInTitle: T.js_map_zoom_in, zoomOutTitle: T.js_map_zoom_out }).addTo(map);
    map.on("popupopen", function (e) {
      var close = e.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", T.js_map_close);
    });
    var tiles = L.tileLayer(d("tiles"), {
      subdomains: d("subdomains") || "abc", maxZoom: Number(d("max-zoom")) || 18, attribution: d("attribution") || ""
    });
    var failed = 0;
    tiles.on("tileerror", function () {
      if (++failed === 4) status.textContent = T.js_map_tiles_failed;
    });
    tiles.addTo(map);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
    var markers = L.featureGroup(), drawn = [];
    data.stations.forEach(function (s) {
      var p = gcj ? geo.wgs84ToGcj02(s.lat, s.lng) : [s.lat, s.lng];
      points.push(p);
      var marker = L.circleMarker(p, { radius: 9, weight: 2, color: "#5c3b00", fillColor: s.sample ? "#b0a48f" : "#f0a500", fillOpacity: 0.9 });
      var popup = document.createElement("div");
      var a = document.createElement("a");
      a.href = s.url;
      a.textContent = s.name + (s.sample ? T.js_map_sample : "");
      popup.appendChild(a);
      popup.appendChild(document.createElement("br"));
      popup.appendChild(document.createTextNode(s.district + " · " + s.address));
      marker.bindPopup(popup);
      markers.addLayer(marker);
      drawn.push([marker, s.id, p]);
    });
    markers.addTo(map);
    if (points.length) map.fitBounds(markers.getBounds(), { padding: [24, 24], maxZoom: 15 });
    else map.setView([46.59, 125.1], 10);
    // Leaflet adds layers once the map has a view, so only now can each marker
    // say which station it is and where it was drawn (the datum, for tests).
    drawn.forEach(function (m) {
      var el = m[0].getElement();
      el.setAttribute("data-station", m[1]);
      el.setAttribute("data-lat", String(m[2][0]));
      el.setAttribute("data-lng", String(m[2][1]));
    });
    section.setAttribute("data-markers", String(points.length));
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    status.textContent = T.js_map_loading;
    loadCss(d("leaflet-css"));
    Promise.all([
      loadScript(d("leaflet-js")),
      fetch(d("json"), { credentials: "same-origin" }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    ]).then(function (results) {
      box.hidden = false;
      button.hidden = true;
      status.textContent = "";
      draw(results[1]);
    }, function () {
      button.disabled = false;
      status.textContent = T.js_map_failed;
    });
  });
  section.hidden = false;
})();
