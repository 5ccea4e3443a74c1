"""The finder as a rider uses it, in Chromium: nearest first, filters that
combine and live in the URL, the map, the WeChat hint — under a strict CSP."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from fengchao import geo
from fengchao.content.identity import theme_strings

expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed: pip install -e '.[test]'").expect


def visible_card_ids(page) -> set[str]:
    return set(
        page.eval_on_selector_all("section.district .station-card", "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.id)")
    )


def by_distance(stations, lat, lng):
    return sorted(stations, key=lambda s: (geo.distance_m(lat, lng, s["lat"], s["lng"]), s["id"]))


def test_nearest_station_comes_first(demo_site, open_tab):
    target = next(s for s in demo_site.stations if s["id"] == "sample-ranghulu-2")
    lat, lng = target["lat"] + 0.0009, target["lng"]  # about 100 m north of it
    tab = open_tab(geolocation={"latitude": lat, "longitude": lng}, permissions=["geolocation"])
    page = tab.page
    page.goto(demo_site.url + "stations/")
    page.click("#finder-locate")
    page.wait_for_selector("#finder-results li")
    items = page.locator("#finder-results > li")
    expected = by_distance(demo_site.stations, lat, lng)
    assert items.count() == min(10, len(expected))
    first = items.nth(0)
    assert first.locator("h3 a").get_attribute("href") == target["url"]
    metres = geo.distance_m(lat, lng, target["lat"], target["lng"])
    assert first.locator(".distance-big").inner_text() == f"直线约 {theme_strings().distance(metres)}"
    assert "米" in first.locator(".distance-big").inner_text()
    # Amenities in words, in the data's order.
    labels = [li.inner_text() for li in first.locator(".amenities li").all()]
    assert labels == ["休息座椅", "饮用水", "微波炉", "卫生间", "无线网络"]
    # The whole order is the Python order.
    hrefs = [a.get_attribute("href") for a in page.locator("#finder-results h3 a").all()]
    assert hrefs == [s["url"] for s in expected[:10]]
    assert "公里" in items.nth(items.count() - 1).locator(".distance-big").inner_text()
    # Ten at a time: the rest on request, still in order.
    assert len(expected) > 10
    page.click("#finder-more")
    hrefs = [a.get_attribute("href") for a in page.locator("#finder-results h3 a").all()]
    assert hrefs == [s["url"] for s in expected[:20]]
    assert page.locator("#finder-more").is_hidden()
    assert tab.csp_violations() == []


def test_without_permission_the_district_list_still_works(demo_site, open_tab):
    tab = open_tab()  # no geolocation permission granted
    page = tab.page
    page.goto(demo_site.url + "stations/")
    page.click("#finder-locate")
    expect(page.locator("#finder-status")).to_contain_text("没有得到位置权限")
    assert page.locator("#finder-results li").count() == 0
    assert visible_card_ids(page) == {s["id"] for s in demo_site.stations}
    page.click("a[href='#龙凤区']")
    assert page.locator("#龙凤区").is_visible()


def test_filters_combine_and_the_url_restores_them(demo_site, open_tab):
    tab = open_tab()
    page = tab.page
    page.goto(demo_site.url + "stations/")
    page.click("#filters-box summary")
    page.select_option("#filter-district", "sa-er-tu-qu")
    only_district = {s["id"] for s in demo_site.stations if s["district"] == "萨尔图区"}
    assert visible_card_ids(page) == only_district and len(only_district) == 2
    page.check("input[name=amenity][value=microwave]")
    both = {s["id"] for s in demo_site.stations if s["district"] == "萨尔图区" and "microwave" in s["amenities"]}
    assert visible_card_ids(page) == both and 0 < len(both) < len(only_district)
    assert page.locator("#filter-count").inner_text() == f"符合条件的站点：{len(both)} 处"
    # Another amenity narrows further (AND, not OR).
    page.check("input[name=amenity][value=toilet]")
    three = {s["id"] for s in demo_site.stations if s["district"] == "萨尔图区" and {"microwave", "toilet"} <= set(s["amenities"])}
    assert visible_card_ids(page) == three
    assert parse_qs(urlsplit(page.url).query) == {"district": ["sa-er-tu-qu"], "amenity": ["microwave", "toilet"]}

    # The shared link opens the same view.
    shared = page.url
    other = open_tab().page
    other.goto(shared)
    assert visible_card_ids(other) == three
    assert other.locator("#filter-district").input_value() == "sa-er-tu-qu"
    assert other.is_checked("input[name=amenity][value=microwave]") and other.is_checked("input[name=amenity][value=toilet]")
    assert not other.is_checked("input[name=amenity][value=charging]")

    # Nothing matches: say so; clearing brings every station back and cleans the URL.
    page.select_option("#filter-district", "hong-gang-qu")
    assert visible_card_ids(page) == set()
    assert page.locator("#no-results").is_visible()
    page.click("#filter-clear")
    page.wait_for_url(lambda url: not urlsplit(url).query)
    assert visible_card_ids(page) == {s["id"] for s in demo_site.stations}
    assert not page.locator("#no-results").is_visible()


def test_filters_apply_to_the_nearest_list(demo_site, open_tab):
    tab = open_tab(geolocation={"latitude": 46.58, "longitude": 125.15}, permissions=["geolocation"])
    page = tab.page
    page.goto(demo_site.url + "stations/?amenity=books")
    page.click("#finder-locate")
    page.wait_for_selector("#finder-results li")
    with_books = by_distance([s for s in demo_site.stations if "books" in s["amenities"]], 46.58, 125.15)
    hrefs = [a.get_attribute("href") for a in page.locator("#finder-results h3 a").all()]
    assert hrefs == [s["url"] for s in with_books]


def test_map_shows_one_marker_per_station(demo_site, open_tab):
    tab = open_tab(viewport={"width": 1280, "height": 900})
    page = tab.page
    page.goto(demo_site.url + "stations/")
    assert page.locator("#map").is_hidden()  # nothing downloaded before the tap
    page.click("#map-show")
    page.wait_for_selector("#map-section[data-markers]")
    assert page.locator("#map path.leaflet-interactive").count() == len(demo_site.stations)
    assert page.get_attribute("#map-section", "data-markers") == str(len(demo_site.stations))
    # Markers are drawn in the tiles' datum (GCJ-02 for the default Amap tiles):
    # the real station's marker sits where its GCJ-02 coordinates are.
    for station in demo_site.stations:
        path = page.locator(f"#map path[data-station='{station['id']}']")
        lat, lng = float(path.get_attribute("data-lat")), float(path.get_attribute("data-lng"))
        assert (lat, lng) == geo.wgs84_to_gcj02(station["lat"], station["lng"]), station["id"]
    # A tap on the real station's marker offers its page.
    real = next(s for s in demo_site.stations if not s["sample"])
    page.click(f"#map path[data-station='{real['id']}']", force=True)
    assert page.locator(".leaflet-popup-content a").get_attribute("href") == real["url"]
    assert tab.csp_violations() == []


def test_wechat_hint_only_inside_wechat(demo_site, open_tab):
    url = demo_site.url + "stations/gaoxin-shunfeng/"
    plain = open_tab().page
    plain.goto(url)
    assert plain.locator("#wechat-hint").is_hidden()
    wechat_ua = (
        "Mozilla/5.0 (Linux; Android 13; V2183A) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/111.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F35) NetType/4G Language/zh_CN"
    )
    tab = open_tab(user_agent=wechat_ua)
    tab.page.goto(url)
    hint = tab.page.locator("#wechat-hint")
    assert hint.is_visible() and "在浏览器中打开" in hint.inner_text()
    # The map buttons are still there (they open the apps' web pages in WeChat).
    assert tab.page.locator(".nav-apps a").count() == 3
    assert tab.csp_violations() == []


def test_without_javascript_only_what_works_is_shown(demo_site, open_tab):
    tab = open_tab(java_script_enabled=False)
    page = tab.page
    page.goto(demo_site.url + "stations/?district=sa-er-tu-qu")
    for control in ("#finder", "#filters", "#map-section"):
        assert page.locator(control).is_hidden(), control  # they would do nothing
    assert visible_card_ids(page) == {s["id"] for s in demo_site.stations}
    # The static pages give the filtered lists instead.
    page.click("nav[aria-label='按设施查看'] a[href$='/amenity/microwave/']")
    shown = set(page.eval_on_selector_all(".station-card", "cards => cards.map(c => c.dataset.id)"))
    assert shown == {s["id"] for s in demo_site.stations if "microwave" in s["amenities"]}
