"""The station finder for a rider on the road: map-app links, the station
page's extras, filter pages, exports, bad coordinates, and the browser's
geo maths (assets/geo.js, run under node) against fengchao/geo.py."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import shutil
import subprocess
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from bench.corpus import write_corpus
from conftest import REPO
from fengchao import geo
from fengchao.content.identity import theme_strings
from pagecheck import Page, page

BASE = "/hub/"

TRICKY = """\
- id: tricky
  name: "A&B站 #1; 甲:乙 </script><script>alert(1)</script>"
  district: 萨尔图区
  address: 中央大街1号
  location: {lat: 46.6000, lng: 125.0000}
  amenities: [seating, microwave]
  phone: 0459-123 4567
- id: wgs
  name: 卫星坐标站
  district: 龙凤区
  address: 卧里屯
  datum: wgs84
  location: {lat: 46.55, lng: 125.10}
  amenities: [seating, charging]
- id: baidu
  name: 百度坐标站
  district: 龙凤区
  address: 西宾路
  datum: bd09
  location: {lat: 46.56, lng: 125.12}
  amenities: [charging, microwave]
"""


def nav_hrefs(site, sid: str) -> dict[str, str]:
    anchors = page(site, f"stations/{sid}/index.html").anchors
    return {host: a.href for a in anchors for host in ("uri.amap.com", "api.map.baidu.com", "apis.map.qq.com") if host in a.href}


# ---------------------------------------------------------------- map-app links


def test_map_links_use_each_apps_datum_and_encode_names(make_site, build):
    site = make_site({"stations/a.yaml": TRICKY})
    assert build(site).code == 0
    links = nav_hrefs(site, "tricky")
    assert set(links) == {"uri.amap.com", "api.map.baidu.com", "apis.map.qq.com"}
    name = 'A&B站 #1; 甲:乙 </script><script>alert(1)</script>'

    # Amap: GCJ-02 (the record's own datum here), lng,lat order.
    amap = urlsplit(links["uri.amap.com"])
    q = parse_qs(amap.query)
    assert amap.path == "/marker"
    assert q["position"] == ["125.000000,46.600000"]
    assert q["name"] == [name]  # one parameter, nothing leaked into others
    assert q["src"] == ["fengchao-hub"] and q["coordinate"] == ["gaode"]

    # Baidu: BD-09, lat,lng, and it says so.
    baidu = parse_qs(urlsplit(links["api.map.baidu.com"]).query)
    b_lat, b_lng = geo.gcj02_to_bd09(46.6, 125.0)
    assert baidu["location"] == [f"{b_lat:.6f},{b_lng:.6f}"]
    assert baidu["coord_type"] == ["bd09ll"] and baidu["output"] == ["html"]
    assert baidu["title"] == [name] and baidu["src"] == ["webapp.fengchao-hub"]

    # Tencent: GCJ-02, coord:lat,lng;title:…;addr:… — ASCII ; and : in the name
    # would split the marker, so they arrive as their full-width forms.
    tencent = parse_qs(urlsplit(links["apis.map.qq.com"]).query)
    marker = tencent["marker"][0]
    parts = dict(p.split(":", 1) for p in marker.split(";"))
    assert parts["coord"] == "46.600000,125.000000"
    assert parts["title"] == name.replace(";", "；").replace(":", "：")
    assert parts["addr"] == "萨尔图区中央大街1号"
    assert tencent["referer"] == ["fengchao-hub"]


def test_map_links_convert_wgs84_and_bd09_records(make_site, build):
    site = make_site({"stations/a.yaml": TRICKY})
    assert build(site).code == 0
    wgs = nav_hrefs(site, "wgs")
    g_lat, g_lng = geo.wgs84_to_gcj02(46.55, 125.10)
    assert f"position={g_lng:.6f},{g_lat:.6f}&" in wgs["uri.amap.com"]
    bd = nav_hrefs(site, "baidu")
    assert "location=46.560000,125.120000&" in bd["api.map.baidu.com"]  # already BD-09: unchanged
    g_lat, g_lng = geo.bd09_to_gcj02(46.56, 125.12)
    assert f"coord:{g_lat:.6f},{g_lng:.6f};" in bd["apis.map.qq.com"]


# ---------------------------------------------------------------- station page


def ld_block(html: str) -> str:
    """The station's own block (the page's BreadcrumbList is the other: tests/test_structured_data.py)."""
    blocks = [b for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S) if "BreadcrumbList" not in b]
    assert len(blocks) == 1
    return blocks[0]


def test_json_ld_cannot_break_out_of_its_script(make_site, build):
    site = make_site({"stations/a.yaml": TRICKY})
    assert build(site).code == 0
    html = site.read("stations/tricky/index.html")
    block = ld_block(html)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["name"] == 'A&B站 #1; 甲:乙 </script><script>alert(1)</script>'
    assert data["@type"] == "CivicStructure"
    lat, lng = geo.gcj02_to_wgs84(46.6, 125.0)  # schema.org geo is WGS-84
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": round(lat, 6), "longitude": round(lng, 6)}
    assert data["telephone"] == "0459-123 4567"
    assert [f["name"] for f in data["amenityFeature"]] == ["休息座椅", "微波炉"]
    # The only script that runs on the page is an external file.
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert all('src="' in attrs or "application/ld+json" in attrs for attrs in scripts), scripts


def test_station_page_phone_report_link_and_wechat_hint(make_site, build):
    site = make_site({"stations/a.yaml": TRICKY})
    assert build(site).code == 0
    p = page(site, "stations/tricky/index.html")
    assert "tel:0459-1234567" in p.hrefs()
    report = next(a for a in p.anchors if "信息有误" in a.text)
    assert report.href.startswith("mailto:fengchao@example.org?subject=")
    subject = unquote(report.href.split("subject=", 1)[1])
    assert "站点信息有误" in subject and "A&B站 #1" in subject and "（tricky）" in subject
    hint = next(e for e in p.elements if e.attrs.get("id") == "wechat-hint")
    assert "在浏览器中打开" in hint.text and "hidden" in hint.attrs
    assert f"{BASE}assets/wechat.js" in site.read("stations/tricky/index.html")


def test_no_report_link_without_report_url(make_site, build):
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"\n  report_url: .*", "", config)
    site = make_site({"stations/a.yaml": TRICKY}, config=config)
    assert build(site).code == 0
    assert "信息有误" not in site.read("stations/tricky/index.html")


def test_demo_site_has_no_inline_script_style_or_handler(tmp_path, cli):
    """A CSP of script-src 'self' / style-src 'self' is coming: nothing inline."""
    out = tmp_path / "site"
    assert cli("--root", REPO, "build", "--out", out).code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        html = path.read_text(encoding="utf-8")
        rel = path.relative_to(out)
        for attrs in re.findall(r"<script\b([^>]*)>", html):
            assert 'src="' in attrs or 'type="application/ld+json"' in attrs, (rel, attrs)
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), rel
        assert not re.search(r"<[^>]+\sstyle\s*=", html), rel
        assert "<style" not in html, rel


# ---------------------------------------------------------------- filters without JavaScript


FILTERS = (
    TRICKY
    + """\
- id: s-2
  name: 二站
  district: 萨尔图区
  address: 中央大街2号
  location: {lat: 46.61, lng: 125.01}
  amenities: [charging]
"""
)


def card_ids(html: str) -> set[str]:
    return set(re.findall(r'class="card station-card" data-id="([a-z0-9-]+)"', html))


def test_a_page_per_district_and_amenity_lists_the_same_stations(make_site, build):
    site = make_site({"stations/a.yaml": FILTERS})
    assert build(site).code == 0
    data = json.loads(site.read("stations/stations.json"))["stations"]
    assert card_ids(site.read("stations/district/sa-er-tu-qu/index.html")) == {"tricky", "s-2"}
    assert card_ids(site.read("stations/district/long-feng-qu/index.html")) == {"wgs", "baidu"}
    for key in ("seating", "microwave", "charging"):
        expected = {s["id"] for s in data if key in s["amenities"]}
        assert card_ids(site.read(f"stations/amenity/{key}/index.html")) == expected, key
    # No page for an amenity no station has, or a district without stations.
    assert not (site.out / "stations/amenity/books").exists()
    assert not (site.out / "stations/district/hong-gang-qu").exists()
    # The directory links every such page, and each links back to the filter view.
    hrefs = Page(site.read("stations/index.html")).hrefs()
    for rel in ("district/sa-er-tu-qu/", "district/long-feng-qu/", "amenity/seating/", "amenity/charging/", "amenity/microwave/"):
        assert f"{BASE}stations/{rel}" in hrefs
    assert f"{BASE}stations/?amenity=microwave" in Page(site.read("stations/amenity/microwave/index.html")).hrefs()
    # The cards carry what the JavaScript filter reads.
    html = site.read("stations/index.html")
    assert 'data-id="baidu" data-district="long-feng-qu" data-amenities="charging microwave"' in html
    # And a station's breadcrumb leads to its district's page.
    assert f"{BASE}stations/district/long-feng-qu/" in page(site, "stations/baidu/index.html").hrefs()


# ---------------------------------------------------------------- exports


def test_csv_opens_in_excel_with_chinese_headers(make_site, build):
    site = make_site({"stations/a.yaml": FILTERS})
    assert build(site).code == 0
    raw = (site.out / "stations/stations.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel then reads UTF-8, not GBK
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == [
        "编号",
        "名称",
        "区县",
        "地址",
        "纬度（WGS-84）",
        "经度（WGS-84）",
        "设施",
        "开放时间",
        "电话",
        "运营单位",
        "启用日期",
        "示例数据",
        "网址",
    ]
    assert b"\r\n" in raw
    by_id = {r["编号"]: r for r in rows}
    assert set(by_id) == {"tricky", "wgs", "baidu", "s-2"}
    assert by_id["tricky"]["名称"].startswith("A&B站 #1")
    assert by_id["wgs"]["纬度（WGS-84）"] == "46.550000" and by_id["wgs"]["经度（WGS-84）"] == "125.100000"
    assert by_id["baidu"]["设施"] == "充电、微波炉"
    assert by_id["tricky"]["网址"] == f"https://example.org{BASE}stations/tricky/"
    assert f"{BASE}stations/stations.csv" in Page(site.read("stations/index.html")).hrefs()


def test_geojson_is_lng_lat_wgs84(make_site, build):
    site = make_site({"stations/a.yaml": TRICKY})
    assert build(site).code == 0
    features = {f["id"]: f for f in json.loads(site.read("stations/stations.geojson"))["features"]}
    expected = {
        "tricky": geo.gcj02_to_wgs84(46.6, 125.0),
        "wgs": (46.55, 125.10),
        "baidu": geo.convert(46.56, 125.12, "bd09", "wgs84"),
    }
    for sid, (lat, lng) in expected.items():
        got_lng, got_lat = features[sid]["geometry"]["coordinates"]
        assert geo.distance_m(lat, lng, got_lat, got_lng) < 0.05, sid


def test_finder_data_for_624_stations_is_under_60_kb_gzipped(tmp_path, cli):
    content = write_corpus(tmp_path / "c", articles=0, stations=624, guides=0)
    out = tmp_path / "site"
    assert cli("--root", REPO, "build", "--content", content, "--out", out).code == 0
    data = (out / "stations/stations.json").read_bytes()
    assert len(json.loads(data)["stations"]) == 624
    assert len(gzip.compress(data, 9)) <= 60 * 1024


# ---------------------------------------------------------------- charts


def test_charts_are_svg_with_the_counts(make_site, build):
    site = make_site({"stations/a.yaml": FILTERS})
    assert build(site).code == 0
    for rel in ("stations/index.html", "index.html"):
        html = site.read(rel)
        charts = re.findall(r'<svg class="chart".*?</svg>', html, re.S)
        assert len(charts) == 2, rel
        district, coverage = charts
        assert "<script" not in district + coverage
        # 萨尔图区 2, 龙凤区 2: equal bars; 充电 3 of 4 stations.
        widths = dict(re.findall(r'<text x="0" y="\d+" [^>]*>([^<]+)</text><rect x="0" y="\d+" width="([\d.]+)"', district))
        assert set(widths) == {"萨尔图区", "龙凤区"} and widths["萨尔图区"] == widths["龙凤区"]
        assert "3 处（75%）" in coverage
        # No station has books: the directory says 0, the home page leaves the row out.
        assert ("图书" in coverage) == (rel == "stations/index.html")


# ---------------------------------------------------------------- bad coordinates


OUTSIDE = """\
- id: far
  name: 远站
  district: 萨尔图区
  address: 哈尔滨某路
  location: {lat: 45.75, lng: 126.63}
  amenities: [seating]
"""

TWINS_A = """\
- id: twin-a
  name: 甲
  district: 萨尔图区
  address: 一号
  location: {lat: 46.6, lng: 125.0}
  amenities: [seating]
"""

TWINS_B = """\
# 复制粘贴时忘了改坐标
- id: twin-b
  name: 乙
  district: 萨尔图区
  address: 二号
  location: {lat: 46.6, lng: 125.0}
  amenities: [seating]
"""


def test_station_outside_the_city_box_is_a_warning_and_strict_fails(make_site, build):
    site = make_site({"stations/far.yaml": OUTSIDE})
    result = build(site)
    assert result.code == 0
    (line,) = [ln for ln in result.err.splitlines() if "stations.bounds" in ln]
    assert line.startswith("content/stations/far.yaml:5: 警告：")
    assert "'far'" in line and "纬度 45.2–47.7" in line
    before = site.snapshot()
    strict = build(site, "--strict")
    assert strict.code == 1
    assert "content/stations/far.yaml:5:" in strict.err
    assert site.snapshot() == before


def test_two_stations_at_one_point_name_both_files_and_lines(make_site, build, cli):
    site = make_site({"stations/a.yaml": TWINS_A, "stations/b.yaml": TWINS_B})
    result = build(site)
    assert result.code == 0
    (line,) = [ln for ln in result.err.splitlines() if "坐标相同" in ln]
    assert line.startswith("content/stations/b.yaml:6: 警告：")
    assert "'twin-b'" in line and "'twin-a'" in line and "content/stations/a.yaml:5" in line
    assert cli("--root", site.root, "check", "--strict").code == 1
    assert build(site, "--strict").code == 1


def test_swapped_latitude_and_longitude_is_an_error_that_says_so(make_site, build):
    site = make_site({"stations/a.yaml": TWINS_A.replace("{lat: 46.6, lng: 125.0}", "{lat: 125.0, lng: 46.6}")})
    result = build(site)
    assert result.code == 1
    assert "content/stations/a.yaml:5: " in result.err and "填反了" in result.err


# ---------------------------------------------------------------- one geo implementation, two languages

NODE = shutil.which("node")


def run_geo_js(calls: list) -> list:
    script = (
        "const g = require(process.argv[1]);"
        "const calls = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(calls.map(([f, args]) => g[f](...args))));"
    )
    done = subprocess.run(
        [NODE, "-e", script, str(REPO / "fengchao/theme/assets/geo.js")], input=json.dumps(calls), capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(NODE is None, reason="node is not installed: cannot run assets/geo.js (install nodejs)")
def test_browser_geo_gives_the_same_numbers_as_python():
    rng = random.Random(7)
    points = [(rng.uniform(18, 53), rng.uniform(74, 134)) for _ in range(300)]
    daqing = [(rng.uniform(45.3, 47.6), rng.uniform(123.6, 126.0)) for _ in range(300)]
    vectors = [(39.911954, 116.377817), (31.1774276, 121.5272106), (22.543847, 113.912316), (35.68, 139.76)]
    pairs = list(zip(daqing[::2], daqing[1::2]))
    metres = [0, 4.9, 5, 844.9, 845, 855, 999.4, 999.6, 1000, 1249.9, 1250, 1350, 12345.6] + [rng.uniform(0, 50_000) for _ in range(200)]
    calls = [["wgs84ToGcj02", list(p)] for p in vectors + points]
    calls += [["distanceM", [*a, *b]] for a, b in pairs]
    text = theme_strings()
    units = {"distance_m": text.distance_m, "distance_km": text.distance_km}
    calls += [["distanceText", [m, units]] for m in metres]
    got = run_geo_js(calls)
    n = len(vectors) + len(points)
    for (lat, lng), js in zip(vectors + points, got[:n]):
        py = geo.wgs84_to_gcj02(lat, lng)
        assert js == pytest.approx(list(py), abs=1e-12), (lat, lng)
    assert got[0] == pytest.approx([39.91334545536069, 116.38404722455657], abs=1e-12)  # the published vector
    for (a, b), js in zip(pairs, got[n : n + len(pairs)]):
        assert js == pytest.approx(geo.distance_m(*a, *b), rel=1e-12, abs=1e-6)
    for m, js in zip(metres, got[n + len(pairs) :]):
        assert js == text.distance(m), m


@pytest.mark.parametrize(
    "setting, message",
    [
        ('  report_url: "javascript:alert(1)"', "stations.report_url 应为 https:// 网址或 mailto: 链接"),
        ("  bounds: {south: 47, west: 123.5, north: 46, east: 126}", "south 应小于 north"),
        ("  bounds: {south: 45, west: x, north: 47, east: 126}", "stations.bounds.west 应为数字"),
        ("  map: {tiles: 'https://t/{z}/{x}/{y}.png', datum: bd09}", "stations.map.datum 应为 wgs84 或 gcj02"),
        ("  columns: {站号: station_id}", "'站号' 对应的字段 'station_id' 未知"),
    ],
)
def test_bad_finder_settings_name_the_line(make_site, build, setting, message):
    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    key = setting.split(":")[0].strip()
    config = re.sub(rf"\n  {key}:.*?(?=\n  [a-z#])", "\n" + setting, config, count=1, flags=re.S)
    line = config.splitlines().index(setting) + 1
    site = make_site({"stations/a.yaml": TRICKY}, config=config)
    result = build(site)
    assert result.code == 1
    assert f"site.yaml:{line}: " in result.err and message in result.err, result.err
