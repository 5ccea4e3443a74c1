"""A host that only serves files (GitHub Pages): the old address of a moved
article (the demo's `aliases:`) takes a browser to the new one, under the
site's Content-Security-Policy."""

from __future__ import annotations

OLD = "news/yan-jiankang-pucha/"
NEW = "news/kuaidiyuan-yan-jiankang-pucha/"


def test_an_alias_page_moves_the_reader_to_the_new_address(demo_site, open_tab):
    tab = open_tab()
    tab.page.goto(demo_site.url + OLD)
    tab.page.wait_for_url(demo_site.url + NEW, timeout=5000)
    assert "眼健康普查" in tab.page.locator("main h1").inner_text()
    assert not tab.csp_violations()
    assert f"/{OLD} /{NEW} 301" in (demo_site.root / "_redirects").read_text(encoding="utf-8")
