"""News articles as a reader and an editor see them: the article page, lists,
taxonomies, the archive, CJK-aware summaries/reading time/anchors, what gets
published when, and links written in Markdown."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import imagefiles
import pytest

from conftest import MINIMAL_GUIDE, MINIMAL_STATION, REPO
from pagecheck import Page, page

TZ = ZoneInfo("Asia/Shanghai")
BASE = "/hub/"  # the path of base_url in the project's site.yaml


def epoch(*args) -> str:
    return str(int(datetime(*args, tzinfo=TZ).timestamp()))


def article(title: str, date: str, body: str = "正文。", **fields) -> str:
    lines = ["---", f"title: {title!r}" if any(c in title for c in ":#'\"<&") else f"title: {title}", f"date: {date}"]
    for key, value in fields.items():
        if isinstance(value, list):
            value = "[" + ", ".join(value) + "]"
        elif isinstance(value, bool):
            value = "true" if value else "false"
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n---\n\n" + body + "\n"


def article_links(p: Page) -> list[str]:
    """Links to article pages (news/<slug>/), in page order, without repeats."""
    seen = []
    for href in p.hrefs():
        if re.fullmatch(rf"{BASE}news/(?!page/|archive/)[a-z0-9-]+/", href) and href not in seen:
            seen.append(href)
    return seen


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """'Now' is 2024-09-01 12:00 in Shanghai for every build in this file."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2024, 9, 1, 12))


# ---------------------------------------------------------------- article page


def test_article_page_shows_everything_an_editor_filled_in(make_site, build):
    site = make_site(
        {
            "news/a.md": article(
                "快递员眼健康普查",
                "2024-08-19 09:30",
                "普查当天有107名快递员参加。\n",
                source="大庆日报",
                source_url="https://example.com/dqrb/1",
                author="徐卫",
                editor="李红艳",
                category="健康服务",
                tags=["快递小哥", "眼健康"],
                image="/images/cover.png",
                image_alt="快递员在医院排队做眼科检查",
            ),
            "images/cover.png": imagefiles.plain_png(),
        }
    )
    result = build(site)
    assert result.code == 0, result.err
    p = page(site, "news/a/index.html")
    h1 = p.find_all("h1")
    assert [e.text.strip() for e in h1] == ["快递员眼健康普查"]
    assert "2024年8月19日 09:30" in p.text
    times = [e.attrs.get("datetime") for e in p.find_all("time")]
    assert "2024-08-19T09:30:00+08:00" in times
    # Byline: source (linked), author, editor.
    assert "来源：大庆日报" in p.text
    assert "徐卫" in p.text
    assert "责任编辑：李红艳" in p.text
    assert any(a.href == "https://example.com/dqrb/1" and a.text == "大庆日报" for a in p.anchors)
    # Tags and category link to pinyin-slug pages, which exist and list the article.
    assert any(a.href == f"{BASE}tags/kuai-di-xiao-ge/" and "快递小哥" in a.text for a in p.anchors)
    assert any(a.href == f"{BASE}tags/yan-jian-kang/" and "眼健康" in a.text for a in p.anchors)
    assert any(a.href == f"{BASE}categories/jian-kang-fu-wu/" and a.text == "健康服务" for a in p.anchors)
    for rel in ["tags/kuai-di-xiao-ge/index.html", "tags/yan-jian-kang/index.html", "categories/jian-kang-fu-wu/index.html"]:
        assert article_links(page(site, rel)) == [f"{BASE}news/a/"], rel
    # Cover image with its alt text, published as processed renditions named
    # after the source (never the source itself), and as the share image.
    covers = [img for img in p.find_all("img") if img.attrs.get("src", "").startswith(f"{BASE}images/cover.")]
    assert covers and covers[0].attrs.get("alt") == "快递员在医院排队做眼科检查"
    assert (site.out / covers[0].attrs["src"].removeprefix(BASE)).is_file()
    assert not (site.out / "images" / "cover.png").exists()
    og = [m.attrs["content"] for m in p.find_all("meta", property="og:image")]
    assert len(og) == 1 and og[0].startswith("https://example.org/hub/images/cover.") and og[0].endswith(".jpg")


def test_previous_and_next_link_neighbours_by_date(make_site, build):
    site = make_site(
        {
            "news/old.md": article("最早的一篇", "2024-08-17"),
            "news/mid.md": article("中间的一篇", "2024-08-18"),
            "news/new.md": article("最新的一篇", "2024-08-19"),
        }
    )
    assert build(site).code == 0

    def neighbours(slug):
        p = page(site, f"news/{slug}/index.html")
        return {a.rel: (a.href, a.text) for a in p.anchors if a.rel in ("prev", "next")}

    mid = neighbours("mid")
    assert mid["prev"][0] == f"{BASE}news/new/" and "最新的一篇" in mid["prev"][1]
    assert mid["next"][0] == f"{BASE}news/old/" and "最早的一篇" in mid["next"][1]
    assert set(neighbours("new")) == {"next"} and neighbours("new")["next"][0] == f"{BASE}news/mid/"
    assert set(neighbours("old")) == {"prev"} and neighbours("old")["prev"][0] == f"{BASE}news/mid/"


# ---------------------------------------------------------------- lists


def _many(n: int, year: int = 2024) -> dict[str, str]:
    files = {}
    for i in range(n):
        day = f"{year}-0{1 + i // 28}-{1 + i % 28:02d}"
        files[f"news/a{i:02d}.md"] = article(f"第{i}篇新闻", day)
    return files


def test_pagination_25_articles_10_per_page(make_site, build):
    site = make_site(_many(25))
    assert build(site).code == 0
    newest_first = [f"{BASE}news/a{i:02d}/" for i in range(24, -1, -1)]
    pages = {1: "news/index.html", 2: "news/page/2/index.html", 3: "news/page/3/index.html"}
    seen = []
    for number, rel in pages.items():
        p = page(site, rel)
        links = article_links(p)
        seen += links
        assert len(links) == (10 if number < 3 else 5), rel
        rels = {a.rel: a.href for a in p.anchors if a.rel in ("prev", "next")}
        expected_prev = {1: None, 2: f"{BASE}news/", 3: f"{BASE}news/page/2/"}[number]
        expected_next = {1: f"{BASE}news/page/2/", 2: f"{BASE}news/page/3/", 3: None}[number]
        assert rels.get("prev") == expected_prev, rel
        assert rels.get("next") == expected_next, rel
    assert seen == newest_first  # every article once, newest first, across pages
    assert not (site.out / "news" / "page" / "4").exists()
    assert not (site.out / "news" / "page" / "1").exists()  # page 1 is news/ itself


def test_per_page_setting_is_honoured(make_site, build):
    config = (REPO / "site.yaml").read_text(encoding="utf-8").replace("per_page: 10", "per_page: 4")
    assert "per_page: 4" in config
    site = make_site(_many(9), config=config)
    assert build(site).code == 0
    assert len(article_links(page(site, "news/index.html"))) == 4
    assert len(article_links(page(site, "news/page/3/index.html"))) == 1
    assert not (site.out / "news/page/4").exists()


def test_archive_groups_by_year_newest_first(make_site, build):
    site = make_site(
        {
            "news/y23a.md": article("二三年一", "2023-03-01"),
            "news/y23b.md": article("二三年二", "2023-11-20"),
            "news/y24a.md": article("二四年一", "2024-02-10"),
            "news/sub/y24b.md": article("二四年二", "2024-08-19"),
        }
    )
    assert build(site).code == 0
    html = site.read("news/archive/index.html")
    heads = [(m.start(), int(m.group(1))) for m in re.finditer(r"<h2[^>]*>\s*(\d{4})\s*年?\s*</h2>", html)]
    assert [y for _, y in heads] == [2024, 2023]
    cut = heads[1][0]
    assert article_links(Page(html[heads[0][0] : cut])) == [f"{BASE}news/y24b/", f"{BASE}news/y24a/"]
    assert article_links(Page(html[cut:])) == [f"{BASE}news/y23b/", f"{BASE}news/y23a/"]


# ---------------------------------------------------------------- Chinese text


LONG_SENTENCE = "快递员每天穿行在城市的大街小巷像勤劳的小蜜蜂一样服务千家万户"  # 30 chars, no punctuation


def _meta_description(site, slug: str) -> str:
    p = page(site, f"news/{slug}/index.html")
    return [m.attrs["content"] for m in p.elements if m.tag == "meta" and m.attrs.get("name") == "description"][0]


def test_summary_counts_chinese_characters_not_words(make_site, build):
    """Pelican #2863 / Hugo #5443: a spaceless Chinese paragraph is one 'word',
    so a word-limited summary is the whole paragraph."""
    body = (LONG_SENTENCE + "。") * 20  # 620 characters, one paragraph, no spaces
    site = make_site({"news/long.md": article("长文", "2024-08-19", body)})
    assert build(site).code == 0
    summary = _meta_description(site, "long")
    card = [e.text.strip() for e in page(site, "news/index.html").find_all("p", class_="summary")]
    assert card == [summary]
    assert 0 < len(summary) <= 120
    assert len(summary) >= 60  # not a stub either
    assert summary.endswith(("。", "…"))
    assert body.startswith(summary.rstrip("…"))


def test_summary_without_sentence_end_is_cut_with_ellipsis(make_site, build):
    config = (REPO / "site.yaml").read_text(encoding="utf-8").replace("summary_chars: 120", "summary_chars: 50")
    assert "summary_chars: 50" in config
    body = LONG_SENTENCE * 10  # 300 characters without any punctuation
    site = make_site({"news/long.md": article("长文", "2024-08-19", body)}, config=config)
    assert build(site).code == 0
    summary = _meta_description(site, "long")
    assert summary.endswith("…")
    assert len(summary) <= 50
    assert len(summary) >= 40
    assert body.startswith(summary[:-1])


def test_summary_of_formatted_text_has_no_stray_spaces(make_site, build):
    """Inline markup must not leave spaces inside Chinese text: 当天有 107名 快递员."""
    body = "当天有**107名**快递员参加，见[指南](https://example.com/)和`代码`。\n\n第二段。\n"
    site = make_site({"news/f.md": article("格式", "2024-08-19", body)})
    assert build(site).code == 0
    assert _meta_description(site, "f") == "当天有107名快递员参加，见指南和代码。 第二段。"
    assert "约 19 字" in page(site, "news/f/index.html").text  # 18 CJK characters + the number 107


def test_summary_from_front_matter_wins(make_site, build):
    site = make_site({"news/s.md": article("有摘要", "2024-08-19", LONG_SENTENCE * 10, summary="编辑写的摘要。")})
    assert build(site).code == 0
    assert _meta_description(site, "s") == "编辑写的摘要。"


@pytest.mark.parametrize("chars, minutes", [(1200, 3), (1201, 4), (100, 1)])
def test_reading_time_counts_chinese_characters(make_site, build, chars, minutes):
    """At 400 characters a minute; a spaceless paragraph is not one 'word'."""
    paragraphs = ["快" * 100] * (chars // 100) + (["快" * (chars % 100)] if chars % 100 else [])
    body = "\n\n".join(paragraphs)
    assert len(body.replace("\n", "")) == chars
    site = make_site({"news/r.md": article("阅读时间", "2024-08-19", body)})
    assert build(site).code == 0
    text = page(site, "news/r/index.html").text
    assert f"阅读约 {minutes} 分钟" in text
    assert f"约 {chars} 字" in text


def test_chinese_headings_get_readable_ids(make_site, build):
    body = "## “暖蜂行动”暖心\n\n一段。\n\n## 怎么申请？\n\n二段。\n\n## Step 2: 报名\n\n三段。\n"
    site = make_site({"news/h.md": article("标题", "2024-08-19", body)})
    assert build(site).code == 0
    p = page(site, "news/h/index.html")
    ids = {h.text.strip(): h.attrs.get("id") for h in p.find_all("h2") if h.attrs.get("id")}
    assert ids["“暖蜂行动”暖心"] == "暖蜂行动暖心"
    assert ids["怎么申请？"] == "怎么申请"
    assert ids["Step 2: 报名"] == "step-2-报名"
    assert not any(re.fullmatch(r"_?\d*", v) for v in ids.values())


# ---------------------------------------------------------------- what is published


PUBLISHING = {
    "news/live.md": article("正常发布", "2024-08-19", tags=["正常"]),
    "news/draft.md": article("草稿一篇", "2024-08-20", tags=["草稿专用"], draft=True),
    "news/future.md": article("定时发布", "2024-10-01 08:00", tags=["未来专用"]),
    "news/expired.md": article("已经过期", "2024-01-05", expires="2024-06-01", tags=["过期专用"]),
    "news/expiring.md": article("尚未过期", "2024-01-06", expires="2025-06-01"),
}
HIDDEN = ["draft", "future", "expired"]


def _everywhere(site) -> dict[str, str]:
    return {
        "list": site.read("news/index.html"),
        "home": site.read("index.html"),
        "archive": site.read("news/archive/index.html"),
        "feed": site.read("feed.xml"),
        "sitemap": site.read("sitemap.xml"),
        "tags": site.read("tags/index.html"),
    }


def test_drafts_future_and_expired_are_not_published(make_site, build):
    site = make_site(PUBLISHING)
    assert build(site).code == 0
    assert (site.out / "news/live/index.html").is_file()
    assert (site.out / "news/expiring/index.html").is_file()
    places = _everywhere(site)
    for slug in ["live", "expiring"]:
        for name in ["list", "archive", "feed", "sitemap"]:
            assert f"news/{slug}/" in places[name], (slug, name)
    for slug in HIDDEN:
        assert not (site.out / "news" / slug).exists(), slug
        for name, text in places.items():
            assert f"news/{slug}/" not in text, (slug, name)
    for title in ["草稿一篇", "定时发布", "已经过期"]:
        for name, text in places.items():
            assert title not in text, (title, name)
    # A tag used only by unpublished articles has no page and no listing.
    for tag, slug in [("草稿专用", "cao-gao-zhuan-yong"), ("未来专用", "wei-lai-zhuan-yong"), ("过期专用", "guo-qi-zhuan-yong")]:
        assert not (site.out / "tags" / slug).exists()
        assert tag not in places["tags"]
    assert (site.out / "tags/zheng-chang/index.html").is_file()


def test_drafts_flag_previews_everything_with_a_notice(make_site, build):
    site = make_site(PUBLISHING)
    assert build(site, "--drafts").code == 0
    listed = site.read("news/index.html")
    for slug in HIDDEN + ["live", "expiring"]:
        assert (site.out / "news" / slug / "index.html").is_file(), slug
        assert f"news/{slug}/" in listed, slug
    assert "草稿" in page(site, "news/draft/index.html").text
    assert "定时发布" in page(site, "news/future/index.html").text
    assert "过期" in page(site, "news/expired/index.html").text
    notices = {slug: [e.text for e in page(site, f"news/{slug}/index.html").find_all("p", role="status")] for slug in HIDDEN + ["live"]}
    assert all(notices[slug] for slug in HIDDEN), notices
    assert notices["live"] == []


def test_future_article_appears_once_its_date_has_come(make_site, build, monkeypatch):
    site = make_site(PUBLISHING)
    assert build(site).code == 0
    assert not (site.out / "news/future").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2024, 10, 1, 8, 0))  # exactly its time
    assert build(site).code == 0
    assert (site.out / "news/future/index.html").is_file()
    assert "news/future/" in site.read("feed.xml")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(2025, 6, 1, 0, 0))  # 'expiring' now expired
    assert build(site).code == 0
    assert not (site.out / "news/expiring").exists()


def test_date_without_offset_is_in_site_timezone(make_site, build, monkeypatch):
    """08:00 in Shanghai is 00:00 UTC: at 23:59 UTC the day before it is still future."""
    site = make_site({"news/t.md": article("早间新闻", "2024-10-01 08:00"), "news/x.md": article("其他", "2024-08-01")})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2024, 9, 30, 23, 59, tzinfo=ZoneInfo("UTC")).timestamp())))
    assert build(site).code == 0
    assert not (site.out / "news/t").exists()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2024, 10, 1, 0, 0, tzinfo=ZoneInfo("UTC")).timestamp())))
    assert build(site).code == 0
    assert (site.out / "news/t/index.html").is_file()


# ---------------------------------------------------------------- links in Markdown


def test_root_relative_and_content_file_links(make_site, build):
    body = (
        "去[测试站点](/stations/test-1/)歇歇脚，看[说明](/files/a.pdf)和[图片](/images/a.png)。\n\n"
        "申请方法见[指南](../guides/g.md)，具体在[这里](../guides/g.md#怎么申请)。\n\n"
        "![站点外景](/images/a.png)\n\n外部链接[不变](https://www.gov.cn/)。\n"
    )
    site = make_site(
        {
            "news/a.md": article("链接", "2024-08-19", body),
            "guides/g.md": MINIMAL_GUIDE,
            "stations/s.yaml": MINIMAL_STATION,
            "images/a.png": imagefiles.plain_png(),
            "files/a.pdf": b"%PDF-1.4\n",
        }
    )
    result = build(site)
    assert result.code == 0, result.err
    p = page(site, "news/a/index.html")
    hrefs = p.hrefs()
    assert f"{BASE}stations/test-1/" in hrefs
    assert f"{BASE}files/a.pdf" in hrefs
    # A link to a photo opens its largest processed copy (the upload is never published).
    photo = [h for h in hrefs if h.startswith(f"{BASE}images/a.")]
    assert len(photo) == 1 and photo[0] != f"{BASE}images/a.png" and (site.out / photo[0].removeprefix(BASE)).is_file()
    assert f"{BASE}guides/g/" in hrefs
    assert f"{BASE}guides/g/#怎么申请" in hrefs
    assert "https://www.gov.cn/" in hrefs
    assert not any(h.endswith(".md") or ".md#" in h for h in hrefs)
    assert [i.attrs["src"].startswith(f"{BASE}images/a.") for i in p.find_all("img", alt="站点外景")] == [True]
    # The targets exist, and the guide has the heading the fragment names.
    assert (site.out / "stations/test-1/index.html").is_file()
    assert (site.out / "files/a.pdf").is_file()
    assert "怎么申请" in page(site, "guides/g/index.html").ids


def test_root_relative_links_follow_base_url_override(make_site, build):
    site = make_site({"news/a.md": article("链接", "2024-08-19", "[站点](/stations/test-1/)"), "stations/s.yaml": MINIMAL_STATION})
    assert build(site, "--base-url", "https://news.example.cn/qing/xiaoyi/").code == 0
    hrefs = page(site, "news/a/index.html").hrefs()
    assert "/qing/xiaoyi/stations/test-1/" in hrefs
    assert "/hub/stations/test-1/" not in hrefs
    assert build(site, "--base-url", "https://example.org").code == 0
    assert "/stations/test-1/" in page(site, "news/a/index.html").hrefs()


def test_link_to_missing_content_file_is_an_error_with_its_line(make_site, build):
    site = make_site({"news/a.md": article("链接", "2024-08-19", "第一行。\n\n见[指南](../guides/nope.md)。\n")})
    result = build(site)
    assert result.code == 1
    assert "news/a.md:" in result.err and "nope.md" in result.err
    line = int(re.search(r"news/a\.md:(\d+):", result.err).group(1))
    assert line == 8  # 4 front-matter lines, blank, 第一行, blank, then the link
