"""Structured data search engines read: `NewsArticle` on every article,
`BreadcrumbList` on every page below the home page, and the article's
times as Open Graph `article:*` tags — each held to the properties Google's
rich results require (developers.google.com/search/docs/appearance/
structured-data/article and …/breadcrumb)."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime

import pytest

from conftest import MINIMAL_GUIDE, MINIMAL_STATION

ABSOLUTE = re.compile(r"^https?://[^/\s]+/\S*$")
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def blocks(html: str) -> list[dict]:
    found = []
    for text in SCRIPT.findall(html):
        data = json.loads(text)
        found += data if isinstance(data, list) else [data]
    return found


def of_type(html: str, kind: str) -> list[dict]:
    return [d for d in blocks(html) if d.get("@type") == kind]


def assert_iso_with_zone(value: str) -> None:
    assert datetime.fromisoformat(value).tzinfo is not None, value


def assert_news_article(data: dict) -> None:
    assert data["@context"] == "https://schema.org"
    assert 0 < len(data["headline"]) <= 110
    assert_iso_with_zone(data["datePublished"])
    assert_iso_with_zone(data["dateModified"])
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] and all(a["@type"] in ("Person", "Organization") and a["name"] for a in data["author"])
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization" and publisher["name"]
    assert publisher["logo"]["@type"] == "ImageObject" and ABSOLUTE.match(publisher["logo"]["url"])
    assert data["image"] and all(ABSOLUTE.match(url) for url in data["image"])
    assert ABSOLUTE.match(data["mainEntityOfPage"])


def assert_breadcrumbs(data: dict, canonical: str) -> None:
    items = data["itemListElement"]
    assert len(items) >= 2  # home, …, this page
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    for item in items:
        assert item["@type"] == "ListItem" and item["name"] and ABSOLUTE.match(item["item"])
    assert items[-1]["item"] == canonical


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from conftest import REPO, Site, copy_theme
    from fengchao.cli import main

    root = tmp_path_factory.mktemp("structured") / "project"
    root.mkdir()
    copy_theme(root, ignore=shutil.ignore_patterns("decap-cms"))
    shutil.copyfile(REPO / "site.yaml", root / "site.yaml")
    site = Site(root)
    site.write(
        "news/a.md",
        "---\ntitle: 快递员</script><b>体检\ndate: 2024-08-19 09:30\nupdated: 2024-08-21\nauthor: [徐卫, 李四]\ntags: [快递小哥]\ncategory: 健康服务\n---\n\n正文。\n",
    )
    site.write("news/b.md", "---\ntitle: 没有作者\ndate: 2024-08-18\nsource: 大庆日报\n---\n\n正文。\n")
    site.write("guides/g.md", MINIMAL_GUIDE)
    site.write("pages/about.md", "---\ntitle: 关于\n---\n\n正文。\n")
    site.write("stations/s.yaml", MINIMAL_STATION)
    assert main(["--root", str(root), "build"]) == 0
    return site


def test_every_article_is_a_news_article_with_the_required_properties(built):
    html = built.read("news/a/index.html")
    (data,) = of_type(html, "NewsArticle")
    assert_news_article(data)
    assert data["headline"] == "快递员</script><b>体检"  # read back unchanged …
    assert "</script><b>" not in SCRIPT.search(html).group(1)  # … but never closes the element
    assert data["author"] == [{"@type": "Person", "name": "徐卫"}, {"@type": "Person", "name": "李四"}]
    assert data["datePublished"] == "2024-08-19T09:30:00+08:00" and data["dateModified"] == "2024-08-21T00:00:00+08:00"
    assert '<meta property="article:published_time" content="2024-08-19T09:30:00+08:00">' in html
    assert '<meta property="article:modified_time" content="2024-08-21T00:00:00+08:00">' in html

    (other,) = of_type(built.read("news/b/index.html"), "NewsArticle")
    assert_news_article(other)
    assert other["author"] == [{"@type": "Organization", "name": "大庆日报"}]
    assert other["dateModified"] == other["datePublished"]


def test_every_page_below_home_has_a_breadcrumb_list(built):
    pages = [p for p in built.out.rglob("*.html") if p.name == "index.html" and p.parent != built.out]
    assert len(pages) > 10
    kinds = set()
    for path in pages:
        html = path.read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        (trail,) = of_type(html, "BreadcrumbList")
        assert_breadcrumbs(trail, canonical)
        kinds.add(path.relative_to(built.out).parts[0])
    assert {"news", "guides", "stations", "tags", "categories", "about", "search"} <= kinds
    assert not of_type(built.read("index.html"), "BreadcrumbList")
    assert not of_type(built.read("index.html"), "NewsArticle")
    assert not of_type(built.read("guides/g/index.html"), "NewsArticle")
