"""Machine-read outputs: the Atom feed, the sitemap and robots.txt."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from conftest import MINIMAL_GUIDE, MINIMAL_STATION
from fengchao.text import xml_safe
from pagecheck import page

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE_URL = "https://example.org/hub/"  # the project's site.yaml
TRICKY_TITLE = '<b>加粗</b> & "引号" 与 \'单引号\' <script>alert(1)</script>'


def article(slug: str, title: str, day: str, body: str, **extra) -> tuple[str, str]:
    lines = ["---", f"title: {title}", f"date: {day}"] + [f"{k}: {v}" for k, v in extra.items()] + ["---", "", body, ""]
    return f"news/{slug}.md", "\n".join(lines)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725163200")  # 2024-09-01 12:00 +08:00


def _site_with_25(make_site):
    files = dict(
        article(
            f"n{i:02d}",
            f"第{i}号新闻",
            f"2024-07-{i + 1:02d} 08:{i:02d}",
            f"这是第{i}号新闻的**正文**，写了编号 N{i:02d}-BODY。\n\n[去站点](/stations/test-1/)\n",
            author=f"记者{i}",
            tags=f"[快递小哥, 标签{i % 3}]",
            category="关爱行动",
        )
        for i in range(25)
    )
    files["stations/s.yaml"] = MINIMAL_STATION
    files["guides/g.md"] = MINIMAL_GUIDE
    files["pages/about.md"] = "---\ntitle: 关于\n---\n\n关于本站。\n"
    return make_site(files)


@pytest.fixture
def site25(make_site, build):
    site = _site_with_25(make_site)
    result = build(site)
    assert result.code == 0, result.err
    return site


# ---------------------------------------------------------------- Atom


def test_feed_is_well_formed_atom_with_newest_20(site25):
    root = ET.parse(site25.out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for child in ["id", "title", "updated"]:
        assert root.find(f"{ATOM}{child}") is not None and root.find(f"{ATOM}{child}").text.strip(), child
    self_links = [ln.get("href") for ln in root.findall(f"{ATOM}link") if ln.get("rel") == "self"]
    assert self_links == [BASE_URL + "feed.xml"]
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [f"第{i}号新闻" for i in range(24, 4, -1)]
    # The feed's <updated> is its newest entry's, and every date is RFC 3339 with an offset.
    newest = datetime.fromisoformat(entries[0].find(f"{ATOM}updated").text)
    assert datetime.fromisoformat(root.find(f"{ATOM}updated").text) == newest
    for entry in entries:
        for tag in ["published", "updated"]:
            moment = datetime.fromisoformat(entry.find(f"{ATOM}{tag}").text)
            assert moment.utcoffset() is not None


def test_feed_entries_have_absolute_links_ids_and_authors(site25):
    entries = ET.parse(site25.out / "feed.xml").getroot().findall(f"{ATOM}entry")
    ids = set()
    for entry in entries:
        number = int(re.search(r"\d+", entry.find(f"{ATOM}title").text).group())
        alternate = [ln.get("href") for ln in entry.findall(f"{ATOM}link") if ln.get("rel", "alternate") == "alternate"]
        assert alternate == [f"{BASE_URL}news/n{number:02d}/"]
        assert (site25.out / "news" / f"n{number:02d}" / "index.html").is_file()
        ids.add(entry.find(f"{ATOM}id").text)
        assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")] == [f"记者{number}"]
        terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
        assert {"关爱行动", "快递小哥", f"标签{number % 3}"} <= terms
    assert len(ids) == 20


def test_feed_entries_carry_the_full_rendered_body(site25):
    raw = (site25.out / "feed.xml").read_text(encoding="utf-8")
    entries = ET.parse(site25.out / "feed.xml").getroot().findall(f"{ATOM}entry")
    for entry in entries:
        number = int(re.search(r"\d+", entry.find(f"{ATOM}title").text).group())
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html"
        body = content.text
        # The same HTML as the article page's body, links already under base_url.
        assert "<strong>正文</strong>" in body
        assert f"N{number:02d}-BODY" in body
        assert '<a href="/hub/stations/test-1/">去站点</a>' in body
        article_html = site25.read(f"news/n{number:02d}/index.html")
        assert body.strip() in article_html
    # Escaped in the XML text, not raw markup inside <content>.
    assert "&lt;strong&gt;正文&lt;/strong&gt;" in raw
    assert "<strong>" not in raw


def test_feed_escapes_titles_and_round_trips(make_site, build):
    path, text = article(
        "tricky", "'" + TRICKY_TITLE.replace("'", "''") + "'", "2024-08-19", "正文 <em>强调</em> & 符号。", summary="'摘要 <i>a</i> & \"b\"'"
    )
    site = make_site({path: text})
    result = build(site)
    assert result.code == 0, result.err
    root = ET.parse(site.out / "feed.xml").getroot()  # raises if not well-formed
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == TRICKY_TITLE
    assert entry.find(f"{ATOM}summary").text == '摘要 <i>a</i> & "b"'
    assert "<em>强调</em> &amp; 符号" in entry.find(f"{ATOM}content").text
    # On the page: shown as text (no live <script>, no <b> element), in <title> and <h1>.
    p = page(site, "news/tricky/index.html")
    assert [h.text for h in p.find_all("h1")] == [TRICKY_TITLE]
    # (The only scripts are external files, e.g. the 长辈模式 switch, and JSON-LD data with the title escaped.)
    scripts = p.find_all("script")
    assert all(s.attrs.get("src") and not s.text.strip() for s in scripts if s.attrs.get("type") != "application/ld+json")
    assert all("<" not in s.text for s in scripts if s.attrs.get("type") == "application/ld+json") and not p.find_all("b")
    raw = site.read("news/tricky/index.html")
    assert "<script>" not in raw
    titles = re.findall(r"<title>(.*?)</title>", raw, re.S)
    assert len(titles) == 1 and html.unescape(titles[0]).startswith(TRICKY_TITLE)
    # The news list and the sitemap stay well-formed too.
    ET.parse(site.out / "sitemap.xml")
    assert [h.text.strip() for h in page(site, "news/index.html").find_all("h2")] == [TRICKY_TITLE]  # cards are h2 under the list's h1


def test_control_characters_pasted_from_word_never_reach_the_feed(make_site, build):
    """Word's manual line break (\\x0b) and friends are not allowed in XML 1.0.
    They are refused at their line, typed or escaped (docs/security.md, the
    content contract), so the previous feed stays; and `xml_safe`, which every
    feed text passes, still drops any that got through."""
    text = "---\ntitle: \"标题\\v带控制符\"\ndate: 2024-08-19\ntags: [\"标签\\b\"]\n---\n\n从Word粘贴的\x0b换行和\x08退格\x0c。\n"
    site = make_site({"news/ctl.md": text})
    result = build(site)
    assert result.code == 1, result.err
    assert "content/news/ctl.md:2: 含有不能发布的字符 U+000B" in result.err, result.err
    site.write("news/ctl.md", text.replace("\\v", "").replace("\\b", ""))
    result = build(site)
    assert result.code == 1 and "content/news/ctl.md:7:9: 正文含有不能发布的字符 U+000B" in result.err, result.err
    site.write("news/ctl.md", "---\ntitle: 标题带控制符\ndate: 2024-08-19\ntags: [标签]\n---\n\n从Word粘贴的换行和退格。\n")
    assert build(site).code == 0
    [entry] = ET.parse(site.out / "feed.xml").getroot().findall(f"{ATOM}entry")  # well-formed
    assert entry.find(f"{ATOM}title").text == "标题带控制符"
    assert xml_safe("从Word粘贴的\x0b换行和\x08退格\x0c。") == "从Word粘贴的换行和退格。"
    ET.parse(site.out / "sitemap.xml")


def test_feed_with_no_articles_is_still_valid(make_site, build):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    assert build(site).code == 0
    root = ET.parse(site.out / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed" and root.findall(f"{ATOM}entry") == []
    assert root.find(f"{ATOM}updated").text


# ---------------------------------------------------------------- sitemap, robots


def _html_urls(site) -> set[str]:
    urls = set()
    for file in site.out.rglob("*.html"):
        rel = file.relative_to(site.out).as_posix()
        urls.add(BASE_URL + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


def test_sitemap_lists_every_page_but_404(site25):
    root = ET.parse(site25.out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.find(f"{SM}loc").text for u in root.findall(f"{SM}url")]
    assert len(locs) == len(set(locs)), "duplicate URLs"
    assert all(loc.startswith(BASE_URL) for loc in locs)
    expected = _html_urls(site25) - {BASE_URL + "404.html"}
    assert set(locs) == expected
    assert BASE_URL + "404.html" not in locs
    for must in [
        "",
        "news/",
        "news/page/2/",
        "news/page/3/",
        "news/n00/",
        "news/archive/",
        "stations/",
        "stations/test-1/",
        "guides/",
        "guides/g/",
        "tags/",
        "tags/kuai-di-xiao-ge/",
        "categories/guan-ai-xing-dong/",
        "about/",
    ]:
        assert BASE_URL + must in locs, must
    # Articles carry a lastmod date.
    lastmods = {u.find(f"{SM}loc").text: u.find(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    assert lastmods[BASE_URL + "news/n03/"].text == "2024-07-04"


def test_sitemap_follows_base_url_override(make_site, build):
    site = _site_with_25(make_site)
    assert build(site, "--base-url", "https://daqing.example.cn/").code == 0
    locs = [u.find(f"{SM}loc").text for u in ET.parse(site.out / "sitemap.xml").getroot()]
    assert locs and all(loc.startswith("https://daqing.example.cn/") and "/hub/" not in loc for loc in locs)
    assert "https://daqing.example.cn/news/n00/" in locs


def test_robots_txt_points_to_sitemap(site25):
    lines = site25.read("robots.txt").splitlines()
    assert f"Sitemap: {BASE_URL}sitemap.xml" in lines
    assert any(line.lower().startswith("user-agent:") for line in lines)
    assert not any(line.strip().lower() == "disallow: /" for line in lines)
