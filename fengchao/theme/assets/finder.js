/* The station finder: "nearest to me" and the district/amenity filters.
   An enhancement only: the page lists every station by district without it.
   stations.json (WGS-84, like a phone's position) is fetched on the first tap,
   so a rider who only reads the list never downloads it. The filter state
   lives in the query string (?district=sa-er-tu-qu&amenity=microwave), so a
   filtered view can be shared and is restored on load. */
(function () {
  "use strict";
  var geo = window.FengchaoGeo;
  var PAGE = 10;

  /** Stations with their distance from (lat, lng), nearest first. */
  function rank(stations, lat, lng) {
    var out = new Array(stations.length);
    for (var i = 0; i < stations.length; i++) {
      var s = stations[i];
      out[i] = { station: s, metres: geo.distanceM(lat, lng, s.lat, s.lng) };
    }
    out.sort(function (a, b) { return a.metres - b.metres || (a.station.id < b.station.id ? -1 : 1); });
    return out;
  }
  window.FengchaoFinder = { rank: rank };

  var form = document.getElementById("filters");
  var finder = document.getElementById("finder");
  if (!form || !finder || !geo || !window.URLSearchParams || !window.history || !history.replaceState) return;
  // The wording comes with the page (data-text, from the strings file): none is written here.
  var T = null;
  try { T = JSON.parse(finder.getAttribute("data-text")); } catch (e) { /* an old template without it */ }
  if (!T) return;
  function say(name, values) {
    return T[name].replace(/\{(\w+)\}/g, function (m, key) { return key in values ? String(values[key]) : m; });
  }

  var districtSelect = document.getElementById("filter-district");
  var boxes = form.querySelectorAll('input[name="amenity"]');
  var count = document.getElementById("filter-count");
  var summary = document.getElementById("filter-summary");
  var noResults = document.getElementById("no-results");
  var sections = document.querySelectorAll("section.district");
  var locate = document.getElementById("finder-locate");
  var status = document.getElementById("finder-status");
  var list = document.getElementById("finder-results");
  var more = document.getElementById("finder-more");
  var dataPromise = null, data = null, ranked = null, shown = PAGE;

  function wanted() {
    var amenities = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) amenities.push(boxes[i].value);
    return { district: districtSelect.value, amenities: amenities };
  }

  function matches(filter, district, amenities) {
    if (filter.district && filter.district !== district) return false;
    for (var i = 0; i < filter.amenities.length; i++) if (amenities.indexOf(filter.amenities[i]) < 0) return false;
    return true;
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    var district = (params.get("district") || "").replace(/[^a-z0-9-]/g, "");
    if (districtSelect.querySelector('option[value="' + district + '"]')) districtSelect.value = district;
    var amenities = params.getAll("amenity");
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = amenities.indexOf(boxes[i].value) >= 0;
  }

  function writeUrl(filter) {
    var params = new URLSearchParams();
    if (filter.district) params.set("district", filter.district);
    filter.amenities.forEach(function (a) { params.append("amenity", a); });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function applyFilter() {
    var filter = wanted(), total = 0;
    for (var i = 0; i < sections.length; i++) {
      var cards = sections[i].querySelectorAll(".station-card"), visible = 0;
      for (var j = 0; j < cards.length; j++) {
        var ok = matches(filter, cards[j].getAttribute("data-district"), cards[j].getAttribute("data-amenities").split(" "));
        cards[j].hidden = !ok;
        if (ok) visible++;
      }
      sections[i].hidden = visible === 0;
      total += visible;
    }
    var active = filter.district || filter.amenities.length;
    count.textContent = active ? say("js_finder_count", { count: total }) : "";
    // The box stays closed on a shared link; its summary says what is chosen.
    var chosen = [];
    if (filter.district) chosen.push(districtSelect.options[districtSelect.selectedIndex].text);
    for (var k = 0; k < boxes.length; k++) if (boxes[k].checked) chosen.push(boxes[k].parentNode.textContent.trim());
    summary.textContent = chosen.length ? say("js_finder_chosen", { chosen: chosen.join(T.list_separator) }) : "";
    noResults.hidden = total !== 0;
    return filter;
  }

  function onChange() {
    writeUrl(applyFilter());
    if (ranked) { shown = PAGE; render(); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function card(item) {
    var s = item.station, li = el("li", "card station-card finder-card");
    var h = el("h3", "card-title"), a = el("a", "", s.name);
    a.href = s.url;
    h.appendChild(a);
    if (s.sample) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "badge", T.sample_badge)); }
    li.appendChild(h);
    li.appendChild(el("p", "distance-big", say("distance_about", { distance: geo.distanceText(item.metres, T) })));
    li.appendChild(el("p", "meta", s.district + " · " + s.address + (s.hours ? " · " + s.hours : "")));
    var ul = el("ul", "amenities");
    ul.setAttribute("aria-label", T.js_finder_amenities);
    s.amenities.forEach(function (key) { ul.appendChild(el("li", "", data.amenities[key] || key)); });
    li.appendChild(ul);
    return li;
  }

  function render() {
    var filter = wanted(), hits = [];
    for (var i = 0; i < ranked.length && hits.length <= shown; i++) {
      var s = ranked[i].station;
      if (matches(filter, s.district_slug, s.amenities)) hits.push(ranked[i]);
    }
    list.textContent = "";
    hits.slice(0, shown).forEach(function (item) { list.appendChild(card(item)); });
    more.hidden = hits.length <= shown;
    var which = filter.district || filter.amenities.length ? T.js_finder_which_filtered : T.js_finder_which_all;
    status.textContent = hits.length ? say("js_finder_nearest", { which: which }) : T.js_finder_none;
  }

  function load() {
    if (!dataPromise) {
      dataPromise = fetch(finder.getAttribute("data-json"), { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (json) { data = json; return json; });
      dataPromise.catch(function () { dataPromise = null; });
    }
    return dataPromise;
  }

  var failures = { 1: T.js_finder_denied, 2: T.js_finder_unavailable, 3: T.js_finder_timeout };

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) { reject({ code: 2 }); return; }
      navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: false, timeout: 20000, maximumAge: 120000 });
    });
  }

  locate.addEventListener("click", function () {
    status.textContent = T.js_finder_locating;
    locate.disabled = true;
    var json = load();
    position().then(function (pos) {
      return json.then(function (d) {
        ranked = rank(d.stations, pos.coords.latitude, pos.coords.longitude);
        shown = PAGE;
        render();
      }, function () {
        status.textContent = T.js_finder_data_failed;
      });
    }, function (err) {
      status.textContent = failures[err && err.code] || failures[2];
    }).then(function () { locate.disabled = false; });
  });

  more.addEventListener("click", function () { shown += PAGE; render(); });
  form.addEventListener("change", onChange);
  form.addEventListener("submit", function (e) { e.preventDefault(); onChange(); });
  form.addEventListener("reset", function () { setTimeout(onChange, 0); });

  readUrl();
  applyFilter();
  finder.hidden = false;
  form.hidden = false;
})();
