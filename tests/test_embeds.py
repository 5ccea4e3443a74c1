"""Embeds in Markdown (`> [!驿站] id`, `> [!地图] …`, `> [!联系] …`, `> [!提示]`):
rendered at build time, escaped, link-checked, kept out of summaries, meta
descriptions and feeds, and every mistake reported as `path:line: message`."""

from __future__ import annotations

import re

import pytest
from test_bad_input import assert_one_problem, problem_lines

from conftest import MINIMAL_STATION
from fengchao.markup.embeds import StationRef
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from pagecheck import Page

STATIONS = (
    MINIMAL_STATION
    + """\
- id: test-2
  name: 测试站点二
  district: 萨尔图区
  address: 萨尔图区测试路2号
  location: {lat: 46.62, lng: 125.05}
  amenities: [seating]
  sample: true
"""
)


def article(body: str) -> str:
    # Line 1 is `---`; the body starts at line 6.
    return "---\ntitle: 嵌入测试\ndate: 2024-08-19\n---\n\n" + body


def built(make_site, build, body: str):
    site = make_site({"news/a.md": article(body), "stations/s.yaml": STATIONS})
    result = build(site)
    return site, result


def test_station_card_shows_the_station_and_links_to_its_page(make_site, build):
    site, result = built(make_site, build, "开头一段。\n\n> [!驿站] test-2\n")
    assert result.code == 0, result.err
    p = Page(site.read("news/a/index.html"))
    card = re.search(r'<aside class="embed embed-station".*?</aside>', site.read("news/a/index.html"), re.S).group(0)
    assert "测试站点二" in card and "示例" in card
    # The district once: the address's own 萨尔图区 is not repeated.
    assert "萨尔图区 · 测试路2号" in card
    assert "/hub/stations/test-2/" in p.hrefs()
    assert "[!驿站]" not in site.read("news/a/index.html")


def test_map_draws_one_numbered_pin_per_station_and_lists_them(make_site, build):
    site, result = built(make_site, build, "> [!地图] test-1、test-2\n")
    assert result.code == 0, result.err
    html = site.read("news/a/index.html")
    embed = re.search(r'<aside class="embed embed-map".*?</aside>', html, re.S).group(0)
    assert embed.count('<g class="map-pin">') == 1 and embed.count('<g class="map-pin map-pin-sample">') == 1  # test-2 is a sample
    assert re.search(r'<svg [^>]*role="img" aria-label="2 个驿站的位置示意图：测试站点一、测试站点二"', embed)
    assert Page(embed).hrefs() == ["/hub/stations/test-1/", "/hub/stations/test-2/"]
    assert "http" not in embed.replace("http://www.w3.org", "")  # no tile server, nothing fetched


def test_contact_card_makes_a_phone_link(make_site, build):
    body = "> [!联系] 高新区总工会\n> 电话：0459-123 4567\n> 地址：科技路 1 号\n> 时间：工作日 9:00—17:00\n"
    site, result = built(make_site, build, body)
    assert result.code == 0, result.err
    html = site.read("news/a/index.html")
    assert '<a href="tel:04591234567">0459-123 4567</a>' in html
    assert "<dt>时间</dt><dd>工作日 9:00—17:00</dd>" in html


@pytest.mark.parametrize(
    ("word", "kind", "label"), [("提示", "tip", "提示"), ("注意", "warning", "注意"), ("重要", "important", "重要"), ("NOTE", "tip", "提示")]
)
def test_notice_box_keeps_its_markdown(make_site, build, word, kind, label):
    site, result = built(make_site, build, f"> [!{word}]\n> 请带上**工作证**。\n")
    assert result.code == 0, result.err
    html = site.read("news/a/index.html")
    box = re.search(rf'<aside class="callout callout-{kind}".*?</aside>', html, re.S).group(0)
    assert f">{label}</p>" in box and "<strong>工作证</strong>" in box


def test_embeds_stay_out_of_summaries_descriptions_and_feeds(make_site, build):
    body = "> [!提示]\n> 先看这里。\n\n> [!驿站] test-1\n\n> [!联系] 某单位\n> 电话：12345\n\n正文第一句。\n"
    site, result = built(make_site, build, body)
    assert result.code == 0, result.err
    description = re.search(r'<meta name="description" content="([^"]*)"', site.read("news/a/index.html")).group(1)
    assert description == "先看这里。 正文第一句。"
    feed = site.read("feed.xml")
    for leaked in ("测试站点一", "某单位", "12345", "[!", "提示</p>"):
        assert leaked not in description
        assert leaked not in feed.replace("&lt;", "<")
    assert "先看这里" in feed


def test_an_unknown_embed_is_an_error_with_its_line(make_site, build):
    result = built(make_site, build, "第一段。\n\n> [!站点] test-1\n")[1]
    assert_one_problem(result, "content/news/a.md", 8, "未知的嵌入「[!站点]」", "驿站、地图、联系", "3.6 节")


def test_an_unknown_station_id_is_an_error_with_its_line(make_site, build):
    result = built(make_site, build, "第一段。\n\n第二段。\n\n> [!地图] test-1 test-9\n")[1]
    assert_one_problem(result, "content/news/a.md", 10, "站点编号 test-9 不存在")


def test_a_wrong_contact_line_is_an_error_with_its_line(make_site, build):
    result = built(make_site, build, "> [!联系] 某单位\n> 电话：123\n> 传真：456\n")[1]
    assert_one_problem(result, "content/news/a.md", 8, "联系卡片不认识这一行「传真：456」")


def test_embed_syntax_inside_code_and_inside_a_quote_is_text(make_site, build):
    body = "```\n> [!驿站] nowhere\n```\n\n> 他说：\n> [!驿站] also-nowhere\n"
    site, result = built(make_site, build, body)
    assert result.code == 0, problem_lines(result.err)
    assert "[!驿站] nowhere" in site.read("news/a/index.html")


def test_a_renamed_station_updates_the_cached_article(make_site, build):
    site, result = built(make_site, build, "> [!驿站] test-1\n")
    assert result.code == 0, result.err
    (site.content / "stations/s.yaml").write_text(STATIONS.replace("测试站点一", "改名后的站点"), encoding="utf-8")
    assert build(site).code == 0
    assert "改名后的站点" in site.read("news/a/index.html")


def test_embed_values_are_escaped():
    ref = StationRef("x", '<script>alert(1)</script>"', "区", "路", None, "/s/x/", 46.0, 125.0)
    md = MarkdownRenderer(LinkMap("/", {}, frozenset(), {"x": ref}))
    for body in ("> [!驿站] x\n", "> [!地图] x\n", "> [!联系] <b>单位</b>\n> 地址：<img src=x onerror=alert(1)>\n"):
        rendered, problems = md.render(body, "a.md", "content/a.md", 1)
        assert not problems
        assert "<script" not in rendered.html and "<img" not in rendered.html and "<b>" not in rendered.html


def test_another_generators_shortcode_is_an_error_not_text_in_the_description(make_site, build):
    # Hugo's {{< station … >}} printed as text and landed in the meta description.
    result = built(make_site, build, "第一段。\n\n{{< station test-1 >}}\n\n写法示例：`{{< x >}}`。\n")[1]
    assert_one_problem(result, "content/news/a.md", 8, "「{{< station …」是别的网站程序（如 Hugo）的短代码", "> [!驿站] 站点id")
