"""What a reader is told is true: sample stations are demo data, so the home
page's figures and charts count real stations only and say how many samples
there are; lists show real stations first; an address is not preceded by its
own district twice."""

from __future__ import annotations

import re

from pagecheck import Page

STATIONS = """\
- id: sample-1
  name: 示例一站
  district: 萨尔图区
  address: 示例地址
  location: {lat: 46.60, lng: 125.02}
  amenities: [seating, toilet]
  sample: true
- id: sample-2
  name: 示例二站
  district: 龙凤区
  address: 示例地址
  location: {lat: 46.55, lng: 125.13}
  amenities: [seating, toilet]
  sample: true
- id: real-1
  name: 真实一站
  district: 萨尔图区
  address: 萨尔图区中央大街1号
  location: {lat: 46.61, lng: 125.03}
  amenities: [seating, charging]
- id: real-2
  name: 真实二站
  district: 高新区
  address: 大庆市高新区科技路2号
  location: {lat: 46.58, lng: 125.15}
  amenities: [charging]
"""


def _figure(html: str, label: str) -> tuple[int, str]:
    match = re.search(r"<strong>\s*(\d+)\s*</strong>\s*<span>\s*" + re.escape(label) + r"[^<]*</span>(?:<small>([^<]*)</small>)?", html)
    assert match, f"no figure {label!r}"
    return int(match.group(1)), match.group(2) or ""


def test_home_figures_and_charts_count_real_stations_and_name_the_samples(make_site, build):
    site = make_site({"stations/s.yaml": STATIONS})
    assert build(site).code == 0
    html = site.read("index.html")
    assert _figure(html, "处真实站点已收录到本站") == (2, "另有 2 处示例站点（演示数据，不计入统计）")
    assert _figure(html, "个区县有真实站点")[0] == 2  # 萨尔图区 and 高新区, not 龙凤区 (samples only)
    charts = re.search(r'<section aria-labelledby="spread-title">.*?</section>', html, re.S).group(0)
    districts = re.findall(r'<text x="0" y="\d+" font-size="15" fill="#1d1a16">([^<]+)</text>', charts)
    assert "龙凤区" not in districts and {"萨尔图区", "高新区"} <= set(districts)
    assert "1 处" in charts and "2 处" in charts and "4 处" not in charts  # seating: 1 real (not 3); charging: 2
    assert "卫生间" not in charts or re.search(r"卫生间</text><rect[^>]*/><text[^>]*>0 处", charts)
    assert "图中只统计 2 处真实站点，不含 2 处示例站点。" in html


def test_real_stations_come_before_samples(make_site, build):
    site = make_site({"stations/s.yaml": STATIONS})
    assert build(site).code == 0
    order = [h.split("/")[-2] for h in Page(site.read("stations/index.html")).hrefs() if re.search(r"/stations/(real|sample)-\d/$", h)]
    order = list(dict.fromkeys(order))
    assert order == ["real-1", "sample-1", "real-2", "sample-2"]
    # A district with a real station is listed before one with samples only.
    headings = re.findall(r'<h2 id="([^"]+)">', site.read("stations/index.html"))
    assert headings.index("高新区") < headings.index("龙凤区")
    district = [h for h in Page(site.read("stations/district/sa-er-tu-qu/index.html")).hrefs() if "/stations/" in h and h.count("/") == 4]
    assert district.index("/hub/stations/real-1/") < district.index("/hub/stations/sample-1/")


def test_an_address_does_not_repeat_its_district(make_site, build):
    site = make_site({"stations/s.yaml": STATIONS})
    assert build(site).code == 0
    listing = site.read("stations/index.html")
    assert "萨尔图区 · 中央大街1号" in listing and "萨尔图区 · 萨尔图区" not in listing
    assert "高新区 · 科技路2号" in listing and "高新区 · 大庆市高新区" not in listing
    page = site.read("stations/real-1/index.html")
    assert re.search(r"萨尔图区</span> 中央大街1号", page)
    assert '<meta name="description" content="真实一站：萨尔图区中央大街1号。' in page
