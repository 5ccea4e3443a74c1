"""The station directory and its open data, program guides, and the home page."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO
from fengchao import geo
from pagecheck import Page, page

BASE = "/hub/"

# Five stations on one street in 萨尔图区 (GCJ-02, the site's datum), spaced so
# the neighbours of `s-a` are obviously b (≈75 m), c (≈230 m), d (≈460 m), e (≈770 m).
LINE = """\
- id: s-a
  name: 甲站
  district: 萨尔图区
  address: 中央大街1号
  location: {lat: 46.6000, lng: 125.0000}
  amenities: [seating, drinking_water, microwave]
  hours: 全天开放
  phone: 0459-1234567
  operator: 市邮政管理局
- id: s-c
  name: 丙站
  district: 萨尔图区
  address: 中央大街3号
  location: {lat: 46.6000, lng: 125.0030}
  amenities: [charging]
- id: s-b
  name: 乙站
  district: 萨尔图区
  address: 中央大街2号
  location: {lat: 46.6000, lng: 125.0010}
  amenities: [toilet]
- id: s-e
  name: 戊站
  district: 萨尔图区
  address: 中央大街5号
  location: {lat: 46.6000, lng: 125.0100}
  amenities: [books]
- id: s-d
  name: 丁站
  district: 萨尔图区
  address: 中央大街4号
  location: {lat: 46.6000, lng: 125.0060}
  amenities: [wifi]
"""

# Listed out of district order on purpose; site.yaml order is 萨尔图区, 龙凤区, …, 高新区.
MIXED = """\
- id: gx-1
  name: 高新一站
  district: 高新区
  address: 高新路1号
  location: {lat: 46.585, lng: 125.155}
  amenities: [seating, heating]
- id: demo-1
  name: 演示站
  district: 龙凤区
  address: 示例地址
  location: {lat: 46.556, lng: 125.137}
  amenities: [umbrella, first_aid]
  sample: true
- id: sr-1
  name: 萨尔图一站
  district: 萨尔图区
  address: 萨尔图路1号
  location: {lat: 46.603, lng: 125.018}
  amenities: [cooling, repair_tools]
- id: wgs-1
  name: 已是WGS84站
  district: 龙凤区
  address: 卧里屯
  datum: wgs84
  location: {lat: 46.55, lng: 125.10}
  amenities: [seating]
- id: bd-1
  name: 百度坐标站
  district: 让胡路区
  address: 西宾路
  datum: bd09
  location: {lat: 46.66, lng: 124.88}
  amenities: [seating]
"""

GUIDE = """\
---
title: 子女助学怎么申请
topic: 补助申请
summary: 快递员子女助学项目的申请方法。
stations: [s-b, s-a]
contacts:
  - name: 市关工委
    phone: 0459 6666 666
    address: 萨尔图区会战大街
    hours: 工作日 8:30-17:00
  - name: 市邮政管理局
---

## 谁可以申请

义务教育阶段的快递员子女。

## 怎么申请？

### 准备材料

身份证明。

## “暖蜂行动”相关

见下。
"""


def guide(title: str, topic: str, order: int = 0) -> str:
    return f"---\ntitle: {title}\ntopic: {topic}\norder: {order}\n---\n\n正文。\n"


def sections(html: str) -> dict[str, str]:
    """The HTML between each <h2> and the next, keyed by the heading text."""
    heads = [(m.start(), re.sub(r"<[^>]+>|\s", "", m.group(1))) for m in re.finditer(r"<h2[^>]*>(.*?)</h2>", html, re.S)]
    return {name: html[start : (heads[i + 1][0] if i + 1 < len(heads) else len(html))] for i, (start, name) in enumerate(heads)}


def h2_order(html: str) -> list[str]:
    return list(sections(html))


# ---------------------------------------------------------------- directory


def test_directory_groups_by_district_in_site_order(make_site, build):
    site = make_site({"stations/b.yaml": MIXED, "stations/a.yaml": LINE})
    result = build(site)
    assert result.code == 0, result.err
    html = site.read("stations/index.html")
    districts = [h for h in h2_order(html) if h.endswith(("区", "县"))]
    assert districts == ["萨尔图区", "龙凤区", "让胡路区", "高新区"]
    parts = sections(html)
    linked = lambda name: {h.removeprefix(f"{BASE}stations/").strip("/") for h in Page(parts[name]).hrefs()}  # noqa: E731
    assert linked("萨尔图区") == {"s-a", "s-b", "s-c", "s-d", "s-e", "sr-1"}
    assert linked("龙凤区") == {"demo-1", "wgs-1"}
    assert linked("让胡路区") == {"bd-1"}
    assert linked("高新区") == {"gx-1"}
    # The district nav jumps to each section.
    p = Page(html)
    for district in districts:
        assert f"#{district}" in p.hrefs() and district in p.ids


def test_directory_shows_amenity_labels_and_sample_badge(make_site, build):
    site = make_site({"stations/b.yaml": MIXED})
    assert build(site).code == 0
    parts = sections(site.read("stations/index.html"))
    gx = Page(parts["高新区"]).text
    assert "休息座椅" in gx and "取暖" in gx
    assert "heating" not in gx and "seating" not in gx  # labels, not keys
    assert "示例" not in gx
    demo = Page(parts["龙凤区"])
    assert "雨具" in demo.text and "急救药箱" in demo.text
    badges = [e.text for e in demo.find_all("span", class_="badge")]
    assert badges == ["示例"]  # on 演示站 only, not on 已是WGS84站
    # The station page says so too, and a real station does not.
    assert "示例" in page(site, "stations/demo-1/index.html").find_all("main")[0].text
    real = page(site, "stations/gx-1/index.html").find_all("article")[0].text
    assert "示例" not in real.split("附近的其他站点")[0]


def test_station_page_details_and_three_nearest(make_site, build):
    site = make_site({"stations/a.yaml": LINE})
    assert build(site).code == 0
    p = page(site, "stations/s-a/index.html")
    main = p.find_all("main")[0].text
    assert [h.text for h in p.find_all("h1")] == ["甲站"]
    assert "中央大街1号" in main and "萨尔图区" in main
    assert "全天开放" in main
    assert "0459-1234567" in main and "tel:0459-1234567" in p.hrefs()
    assert "市邮政管理局" in main
    assert all(label in main for label in ["休息座椅", "饮用水", "微波炉"])
    assert "充电" not in main.split("附近")[0]  # 丙站's amenity is not 甲站's
    nearby = [h for h in p.hrefs() if h.startswith(f"{BASE}stations/s-") and h != f"{BASE}stations/s-a/"]
    assert nearby == [f"{BASE}stations/s-b/", f"{BASE}stations/s-c/", f"{BASE}stations/s-d/"]
    assert "米" in main  # distances shown
    # From the far end the order reverses.
    far = [h for h in page(site, "stations/s-e/index.html").hrefs() if re.fullmatch(rf"{BASE}stations/s-[a-d]/", h)]
    assert far == [f"{BASE}stations/s-d/", f"{BASE}stations/s-c/", f"{BASE}stations/s-b/"]


def test_station_json_is_wgs84_with_urls(make_site, build):
    site = make_site({"stations/b.yaml": MIXED, "stations/a.yaml": LINE})
    assert build(site).code == 0
    data = json.loads((site.out / "stations/stations.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in data["stations"]}
    assert len(data["stations"]) == len(records) == 10
    # gcj02 (the site's datum) is converted; wgs84 kept; bd09 converted twice.
    expected = {
        "gx-1": geo.gcj02_to_wgs84(46.585, 125.155),
        "s-a": geo.gcj02_to_wgs84(46.6, 125.0),
        "wgs-1": (46.55, 125.10),
        "bd-1": geo.gcj02_to_wgs84(*geo.bd09_to_gcj02(46.66, 124.88)),
    }
    for sid, (lat, lng) in expected.items():
        assert records[sid]["lat"] == pytest.approx(lat, abs=1e-6), sid
        assert records[sid]["lng"] == pytest.approx(lng, abs=1e-6), sid
    # The conversion really moved the point (hundreds of metres in Daqing).
    assert abs(records["gx-1"]["lng"] - 125.155) > 1e-3
    for sid, record in records.items():
        assert record["url"] == f"{BASE}stations/{sid}/"
        assert (site.out / record["url"].removeprefix(BASE) / "index.html").is_file()
    assert records["gx-1"]["amenities"] == ["seating", "heating"]
    assert records["demo-1"]["sample"] is True and records["gx-1"]["sample"] is False
    assert records["s-a"]["hours"] == "全天开放"


def test_station_geojson_is_a_feature_collection_lng_lat(make_site, build):
    site = make_site({"stations/b.yaml": MIXED})
    assert build(site).code == 0
    gj = json.loads((site.out / "stations/stations.geojson").read_text(encoding="utf-8"))
    points = {r["id"]: r for r in json.loads((site.out / "stations/stations.json").read_text(encoding="utf-8"))["stations"]}
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == 5
    for feature in gj["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lng, lat = feature["geometry"]["coordinates"]
        assert 120 < lng < 130 and 40 < lat < 50  # [lng, lat], RFC 7946 order
        record = points[feature["id"]]
        assert (lat, lng) == (pytest.approx(record["lat"], abs=1e-6), pytest.approx(record["lng"], abs=1e-6))
        assert feature["properties"]["url"] == f"{BASE}stations/{feature['id']}/"
    gx = next(f for f in gj["features"] if f["id"] == "gx-1")
    assert gx["properties"]["amenities"] == ["休息座椅", "取暖"]


# ---------------------------------------------------------------- guides


def test_guides_index_groups_by_topic_in_site_order(make_site, build):
    site = make_site(
        {
            "guides/xl.md": guide("心理热线", "心理关爱"),
            "guides/zx2.md": guide("助学第二步", "补助申请", 2),
            "guides/zx1.md": guide("助学第一步", "补助申请", 1),
            "guides/tj.md": guide("体检安排", "健康服务"),
        }
    )
    assert build(site).code == 0
    html = site.read("guides/index.html")
    topics = [name for name, _ in __import__("yaml").safe_load((REPO / "site.yaml").read_text(encoding="utf-8"))["guides"]["topics"].items()]
    assert h2_order(html)[: len(topics)] == topics  # every topic, in site.yaml order
    parts = sections(html)
    titles = lambda name: [a.text for a in Page(parts[name]).anchors]  # noqa: E731
    assert titles("补助申请") == ["助学第一步", "助学第二步"]  # by `order`
    assert titles("健康服务") == ["体检安排"]
    assert titles("心理关爱") == ["心理热线"]
    assert titles("法律援助") == []


def test_guide_page_toc_contacts_and_where_to_go(make_site, build):
    site = make_site({"guides/zhuxue.md": GUIDE, "stations/a.yaml": LINE})
    result = build(site)
    assert result.code == 0, result.err
    html = site.read("guides/zhuxue/index.html")
    p = Page(html)
    toc = [a for a in p.anchors if a.href.startswith("#") and a.href != "#main"]
    assert [a.text for a in toc] == ["谁可以申请", "怎么申请？", "准备材料", "“暖蜂行动”相关"]
    for a in toc:
        assert a.href[1:] in p.ids, a.href
    assert "#暖蜂行动相关" in [a.href for a in toc]
    # Contacts: name, phone (dialable), address, hours.
    contacts = sections(html)["联系谁"]
    text = Page(contacts).text
    for expected in ["市关工委", "0459 6666 666", "萨尔图区会战大街", "工作日 8:30-17:00", "市邮政管理局"]:
        assert expected in text
    assert "tel:04596666666" in Page(contacts).hrefs()
    # Where to go: the named stations, in the guide's order, with their names.
    where = Page(sections(html)["去哪里"])
    assert [a.href for a in where.anchors] == [f"{BASE}stations/s-b/", f"{BASE}stations/s-a/"]
    assert "乙站" in where.text and "甲站" in where.text
    # And the station page links back to the guide.
    assert f"{BASE}guides/zhuxue/" in page(site, "stations/s-a/index.html").hrefs()


def test_guide_toc_shows_heading_text_escaped_once(make_site, build):
    """The TOC shows `工资 & 社保`, not `工资 &amp; 社保` (double escaping)."""
    body = "## 工资 & 社保\n\n一。\n\n## 用 `<br>` 换行 *要点*\n\n二。\n\n## 5 < 6 “引号”\n\n三。\n"
    site = make_site({"guides/g.md": f"---\ntitle: 标题 & <符号>\ntopic: 法律援助\n---\n\n{body}"})
    assert build(site).code == 0
    p = page(site, "guides/g/index.html")
    toc = [a for a in p.anchors if a.href.startswith("#") and a.href != "#main"]
    assert [a.text for a in toc] == ["工资 & 社保", "用 <br> 换行 要点", "5 < 6 “引号”"]
    headings = {h.attrs["id"]: " ".join(h.text.split()) for h in p.find_all("h2") if h.attrs.get("id")}
    for a in toc:
        assert headings[a.href[1:]] == a.text
    assert [h.text for h in p.find_all("h1")] == ["标题 & <符号>"]
    assert "&amp;amp;" not in site.read("guides/g/index.html")


# ---------------------------------------------------------------- home


def _figure(html: str, label: str) -> int:
    match = re.search(r"<strong>\s*(\d+)\s*</strong>\s*<span>\s*" + re.escape(label), html)
    assert match, f"no figure {label!r} on the home page"
    return int(match.group(1))


def test_home_numbers_come_from_the_data(make_site, build):
    site = make_site({"stations/a.yaml": LINE, "stations/b.yaml": MIXED})
    assert build(site).code == 0
    before = site.read("index.html")
    site.write(
        "stations/c.yaml",
        "- id: new-1\n  name: 新站\n  district: 红岗区\n  address: 红岗路\n  location: {lat: 46.40, lng: 124.89}\n  amenities: [seating]\n",
    )
    assert build(site).code == 0
    after = site.read("index.html")
    assert _figure(before, "处真实站点已收录") == 9  # 10 records, one of them sample
    assert _figure(after, "处真实站点已收录") == _figure(before, "处真实站点已收录") + 1
    assert _figure(after, "个区县") == _figure(before, "个区县") + 1  # 红岗区 is new
    assert "624" in Page(after).text  # stations.program_total from site.yaml


def test_home_program_total_follows_site_yaml(make_site, build):
    config = (REPO / "site.yaml").read_text(encoding="utf-8").replace("program_total: 624", "program_total: 731")
    assert "program_total: 731" in config
    site = make_site({"stations/a.yaml": LINE}, config=config)
    assert build(site).code == 0
    html = site.read("index.html")
    assert _figure(html, "处庆小驿") == 731
    assert "624" not in html


def test_home_lists_latest_five_articles_newest_first(make_site, build):
    files = {f"news/n{i}.md": f"---\ntitle: 新闻{i}\ndate: 2024-08-{10 + i:02d}\n---\n\n正文{i}。\n" for i in range(7)}
    files["guides/g.md"] = guide("一篇指南", "补助申请")
    site = make_site(files)
    assert build(site).code == 0
    html = site.read("index.html")
    latest = [h for h in Page(html).hrefs() if re.fullmatch(rf"{BASE}news/n\d/", h)]
    assert latest == [f"{BASE}news/n{i}/" for i in (6, 5, 4, 3, 2)]
    assert _figure(html, "篇新闻") == 7
    assert _figure(html, "篇办事指南") == 1
