/* fengchao geo: the browser's half of fengchao/geo.py, line for line.
   Distances (haversine on the same Earth radius), their text (the strings
   file's distance_m / distance_km, as Strings.distance), and WGS-84 → GCJ-02 for drawing markers on GCJ-02 tiles. The test
   suite runs this file under node and compares every number with Python. */
(function (root) {
  "use strict";
  var A = 6378245.0;                     // Krasovsky 1940 semi-major axis
  var EE = 0.00669342162296594323;       // its first eccentricity squared
  var EARTH_RADIUS_M = 6371008.8;
  var PI = Math.PI;

  function outOfChina(lat, lng) {
    return !(lng >= 72.004 && lng <= 137.8347 && lat >= 0.8293 && lat <= 55.8271);
  }

  function delta(lat, lng) {
    var x = lng - 105.0, y = lat - 35.0;
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLat += (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0;
    dLat += (160.0 * Math.sin(y / 12.0 * PI) + 320 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLng += (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
    dLng += (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0;
    dLng += (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI;
    var magic = 1 - EE * Math.pow(Math.sin(radLat), 2);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((A * (1 - EE)) / (magic * sqrtMagic) * PI);
    dLng = (dLng * 180.0) / (A / sqrtMagic * Math.cos(radLat) * PI);
    return [dLat, dLng];
  }

  function wgs84ToGcj02(lat, lng) {
    if (outOfChina(lat, lng)) return [lat, lng];
    var d = delta(lat, lng);
    return [lat + d[0], lng + d[1]];
  }

  function distanceM(lat1, lng1, lat2, lng2) {
    var p1 = lat1 * PI / 180, p2 = lat2 * PI / 180;
    var dp = p2 - p1, dl = (lng2 - lng1) * PI / 180;
    var h = Math.pow(Math.sin(dp / 2), 2) + Math.cos(p1) * Math.cos(p2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
  }

  // Python's round() and "%.1f" round halves to even; so must we, or 845 m
  // would read 850 m here and 840 m on the station page.
  function roundHalfEven(x) {
    var r = Math.round(x), diff = Math.abs(x % 1);
    if (Math.abs(diff - 0.5) < 1e-9) r = 2 * Math.round(x / 2);
    return r;
  }

  // `text`: the page's strings, with distance_m and distance_km ("{n} m" in its language).
  function distanceText(metres, text) {
    if (metres < 1000) return text.distance_m.replace("{n}", String(roundHalfEven(metres / 10) * 10));
    return text.distance_km.replace("{n}", (roundHalfEven(metres / 100) / 10).toFixed(1));
  }

  var api = { outOfChina: outOfChina, wgs84ToGcj02: wgs84ToGcj02, distanceM: distanceM, distanceText: distanceText };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.FengchaoGeo = api;
})(this);
