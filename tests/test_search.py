"""Search without a browser: what the index holds, what pages load, and a
failed index failing the build. The queries themselves run in a real
browser in tests/browser/."""

from __future__ import annotations

import gzip
import json

import cbor2
import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, REPO, copy_theme
from fengchao.output import search_index as search
from pagecheck import Page

BASE = "/hub/"

STATIONS = """\
- id: s-1
  name: 甲站
  district: 萨尔图区
  address: 中央大街1号
  location: {lat: 46.60, lng: 125.02}
  amenities: [charging, microwave]
- id: s-2
  name: 乙站
  district: 龙凤区
  address: 龙凤大街2号
  location: {lat: 46.55, lng: 125.13}
  amenities: [toilet, charging]
"""

PAGE = """\
---
title: 关于本站
---

外卖骑手的资讯站。
"""

FILES = {
    "news/2024/a.md": MINIMAL_ARTICLE,
    "guides/g.md": MINIMAL_GUIDE,
    "stations/s.yaml": STATIONS,
    "pages/about.md": PAGE,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One small site, built once for the read-only tests below."""
    import shutil

    from fengchao.cli import main

    root = tmp_path_factory.mktemp("search") / "project"
    root.mkdir()
    copy_theme(root)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    for rel, text in FILES.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert main(["--root", str(root), "build"]) == 0
    return root / "site"


def read_pf(path):
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(b"pagefind_dcd")
    return cbor2.loads(data[len(b"pagefind_dcd") :])


def filters(out) -> dict[str, dict[str, list[int]]]:
    return {name: dict(values) for name, values in (read_pf(p) for p in (out / "pagefind" / "filter").glob("*.pf_filter"))}


def test_split_han_separates_characters_in_text_only():
    html = '<h1 data-pagefind-meta="district:萨尔图区">外卖骑手 Wi-Fi 2024年</h1>'
    assert search.split_han(html) == '<h1 data-pagefind-meta="district:萨尔图区">外\u200b卖\u200b骑\u200b手 Wi-Fi 2024年</h1>'


def test_index_is_part_of_the_build_in_one_chinese_language(built):
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    # One article, one guide, two stations, one page: lists, tags, home,
    # archive and the search page itself are not indexed.
    assert entry["languages"] == {"zh-cn": entry["languages"]["zh-cn"]}
    assert entry["languages"]["zh-cn"]["page_count"] == 5
    assert (built / "pagefind" / "pagefind.js").is_file()


def test_filters_are_type_district_and_amenity_with_clean_sorted_values(built):
    found = filters(built)
    assert set(found) == {"type", "district", "amenity"}
    assert {k: len(v) for k, v in found["type"].items()} == {"新闻": 1, "指南": 1, "站点": 2, "页面": 1}
    assert set(found["district"]) == {"萨尔图区", "龙凤区"}
    assert {k: len(v) for k, v in found["amenity"].items()} == {"充电": 2, "微波炉": 1, "卫生间": 1}
    for values in found.values():
        assert list(values) == sorted(values), "filter values are written sorted, so builds are reproducible"
        assert not any("\u200b" in value for value in values)


def test_meta_file_points_at_the_rewritten_filter_files(built):
    bundle = built / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_pf(bundle / f"pagefind.{entry['languages']['zh-cn']['hash']}.pf_meta")
    named = dict(meta[3])
    assert set(named) == {"type", "district", "amenity"}
    assert {p.stem for p in (bundle / "filter").iterdir()} == set(named.values())


def test_every_page_has_a_plain_search_form_and_no_search_download(built):
    for html_file in built.rglob("*.html"):
        rel = html_file.relative_to(built).as_posix()
        if rel.startswith("pagefind/") or rel == "search/index.html":
            continue
        html = html_file.read_text(encoding="utf-8")
        page = Page(html)
        forms = page.find_all("form", role="search")
        assert len(forms) == 1, rel
        assert forms[0].attrs["action"] == BASE + "search/" and forms[0].attrs["method"] == "get", rel
        assert page.find_all("input", name="q"), rel
        assert "pagefind" not in html.replace("data-pagefind-", ""), f"{rel} loads something for search"
        assert "search.js" not in html and "search.css" not in html, rel


def test_search_page_works_without_inline_code_and_says_where_else_to_look(built):
    html = (built / "search" / "index.html").read_text(encoding="utf-8")
    page = Page(html)
    # JSON-LD blocks (breadcrumbs) are data, not code: not scripts to load.
    scripts = [s for s in page.find_all("script") if s.attrs.get("type") != "application/ld+json"]
    # Besides search.js, only what every page carries: the 长辈模式 switch, the offline helper.
    assert [s.attrs.get("src") for s in scripts if not any(k in s.attrs.get("src", "") for k in ("elder", "offline"))] == [BASE + "assets/search.js"]
    assert all(not s.text.strip() for s in scripts), "no inline script (CSP script-src 'self')"
    assert "style=" not in html and "<style" not in html, "no inline style (CSP style-src 'self')"
    hrefs = {a.href: a.text for a in page.anchors}
    assert BASE + "news/archive/" in hrefs and BASE + "guides/" in hrefs and BASE + "stations/" in hrefs
    assert "JavaScript" in page.text
    form = page.find_all("form", id="search-form")[0]
    assert form.attrs["data-bundle"] == BASE + "pagefind/"
    canonical = [link for link in page.find_all("link") if link.attrs.get("rel") == "canonical"]
    assert canonical[0].attrs["href"] == "https://example.org/hub/search/"


def test_station_list_and_nearby_names_are_not_part_of_a_station_s_text(built):
    html = (built / "stations" / "s-1" / "index.html").read_text(encoding="utf-8")
    body = html[html.index("data-pagefind-body") :]
    assert "乙站" in body  # listed as nearby...
    ignored = body[body.index("附近的其他站点") - 60 :]
    assert "data-pagefind-ignore" in ignored  # ...but inside an ignored block


def test_failed_index_fails_the_build_and_keeps_the_old_site(make_site, build, monkeypatch):
    site = make_site(FILES)
    assert build(site).code == 0
    before = site.snapshot()

    def broken(*args, **kwargs):
        raise RuntimeError("pagefind crashed")

    monkeypatch.setattr(search, "_index", broken)
    site.write("news/2024/b.md", MINIMAL_ARTICLE.replace("测试新闻", "第二篇"))
    result = build(site)
    assert result.code == 1
    assert "pagefind: 搜索索引生成失败：RuntimeError: pagefind crashed" in result.err
    assert "输出文件夹没有改动" in result.err
    assert site.snapshot() == before
    # The lock file (.site.lock) stays by design; temporary folders must not.
    assert not [p for p in site.root.glob(".site.*") if p.is_dir()], "no temporary folder left behind"


def test_no_search_builds_without_an_index_and_the_full_build_brings_it_back(make_site, build):
    site = make_site(FILES)
    result = build(site, "--no-search")
    assert result.code == 0, result.err
    assert (site.out / "search/index.html").is_file()  # the page stays, with its no-search links
    assert not (site.out / "pagefind").exists()
    # Same inputs, index wanted: the no-change shortcut must not keep the index-less output.
    assert build(site).code == 0
    assert (site.out / "pagefind/pagefind.js").stat().st_size > 0
