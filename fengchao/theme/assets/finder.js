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
    count.textContent = active ? "符合条件的站点：" + total + " 处" : "";
    // The box stays closed on a shared link; its summary says what is chosen.
    var chosen = [];
    if (filter.district) chosen.push(districtSelect.options[districtSelect.selectedIndex].text);
    for (var k = 0; k < boxes.length; k++) if (boxes[k].checked) chosen.push(boxes[k].parentNode.textContent.trim());
    summary.textContent = chosen.length ? "（已选：" + chosen.join("、") + "）" : "";
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
    if (s.sample) { h.appendChild(document.createTextNode(" ")); h.appendChild(el("span", "badge", "示例")); }
    li.appendChild(h);
    li.appendChild(el("p", "distance-big", "直线约 " + geo.distanceText(item.metres)));
    li.appendChild(el("p", "meta", s.district + " · " + s.address + (s.hours ? " · " + s.hours : "")));
    var ul = el("ul", "amenities");
    ul.setAttribute("aria-label", "设施");
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
    var which = filter.district || filter.amenities.length ? "符合筛选条件的站点" : "站点";
    status.textContent = hits.length ? "离你最近的" + which + "在最前面（直线距离，实际路程可能更远）。" : "没有符合筛选条件的站点。";
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

  var failures = {
    1: "没有得到位置权限。可以在下面按区县查找，或在浏览器设置里允许定位后再试。",
    2: "暂时无法确定你的位置（信号弱或定位已关闭）。可以在下面按区县查找。",
    3: "定位超时。请到开阔处再试，或在下面按区县查找。"
  };

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) { reject({ code: 2 }); return; }
      navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: false, timeout: 20000, maximumAge: 120000 });
    });
  }

  locate.addEventListener("click", function () {
    status.textContent = "正在获取你的位置……";
    locate.disabled = true;
    var json = load();
    position().then(function (pos) {
      return json.then(function (d) {
        ranked = rank(d.stations, pos.coords.latitude, pos.coords.longitude);
        shown = PAGE;
        render();
      }, function () {
        status.textContent = "站点数据没有加载成功，请检查网络后再试。下面的列表仍然可以用。";
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
