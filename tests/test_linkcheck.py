"""The output's own links and anchors are checked on every build and check.

A reader who taps a link gets a page, and a #fragment lands on its heading;
when not, the build fails with the SOURCE line an editor can fix (or, for a
template's link, the output file and line, said once), and the previous
output stays as it was.
"""

from __future__ import annotations

import json

import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE
from fengchao.output.scan import scan_html

GUIDE_WITH_HEADINGS = """\
---
title: 驿站怎么用
topic: 驿站服务
---

## 开放时间

每天 8 点到 20 点。

## 可以做什么

休息、喝水、充电。
"""


def article(body: str, title: str = "另一篇新闻") -> str:
    # The body starts on line 6 of the file (line 1 is the opening ---).
    return f"---\ntitle: {title}\ndate: 2024-08-19\n---\n\n{body}\n"


@pytest.fixture
def linked_site(make_site, build):
    """A good site (built once) with a guide whose headings can be linked to."""
    site = make_site({"news/2024/good.md": MINIMAL_ARTICLE, "guides/use.md": GUIDE_WITH_HEADINGS})
    result = build(site)
    assert result.code == 0, result.err
    return site


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(("content/", "site/", "templates/"))]


def test_a_working_chinese_anchor_and_section_links_build(linked_site, build):
    linked_site.write("news/2024/a.md", article("看[开放时间](../../guides/use.md#开放时间)和[驿站](/stations/)。"))
    result = build(linked_site, "--strict")
    assert result.code == 0, result.err
    assert 'href="/hub/guides/use/#开放时间"' in linked_site.read("news/a/index.html")


def test_a_missing_anchor_names_the_source_line(linked_site, build):
    before = linked_site.snapshot()
    linked_site.write("news/2024/a.md", article("第一行。\n\n看[时间](../../guides/use.md#营业时间)。"))
    result = build(linked_site)
    assert result.code == 1
    assert problem_lines(result.err) == [
        "content/news/2024/a.md:8: 链接 '/hub/guides/use/#营业时间' 的锚点 #营业时间 在 /hub/guides/use/ 上不存在（标题改过了吗？）"
    ]
    assert linked_site.snapshot() == before, "a failed build changed site/"


def test_a_link_to_a_page_that_is_not_built_names_the_source_line(linked_site, build):
    linked_site.write("news/2024/a.md", article("见[站点](/stations/no-such/)。"))
    result = build(linked_site)
    assert result.code == 1
    assert problem_lines(result.err) == [
        "content/news/2024/a.md:6: 链接 '/stations/no-such/' 指向的 /hub/stations/no-such/ 在生成的网站中不存在（会显示 404）"
    ]


def test_raw_html_leaving_the_sub_path_is_an_error(linked_site, build):
    # Raw HTML is not rewritten, so "/news/" there escapes base_url's /hub/.
    linked_site.write("news/2024/a.md", article('第一行。\n\n<a href="/news/">新闻</a>'))
    result = build(linked_site)
    assert result.code == 1
    [line] = problem_lines(result.err)
    assert line.startswith("content/news/2024/a.md:8: 链接 '/news/' 在网站路径 /hub/ 之外"), line
    assert "子路径" in line
    # The same page served from the root is fine.
    assert build(linked_site, "--base-url", "https://example.org/").code == 0


def test_a_missing_trailing_slash_is_a_warning_and_strict_fails(linked_site, build):
    linked_site.write("news/2024/a.md", article("看[指南](/guides/use)。"))
    result = build(linked_site)
    assert result.code == 0, result.err
    assert problem_lines(result.err) == [
        "content/news/2024/a.md:6: 警告：链接 '/guides/use' 少了结尾的 /，打开时会多一次跳转（请写成 /hub/guides/use/）"
    ]
    strict = build(linked_site, "--strict")
    assert strict.code == 1
    assert "失败：0 个错误，1 个警告" in strict.err


def test_a_template_link_is_reported_once_at_the_output_line(make_site, build):
    site = make_site({"news/2024/good.md": MINIMAL_ARTICLE, "guides/g.md": MINIMAL_GUIDE})
    footer = site.root / "templates/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + '<a href="{{ site.base_path }}contact/">联系我们</a>\n', encoding="utf-8")
    result = build(site)
    assert result.code == 1
    [line] = problem_lines(result.err)
    path, number, message = line.split(":", 2)
    assert path == "site/404.html", line  # the first page in sorted order
    assert int(number) > 1
    assert "'/hub/contact/' 指向的 /hub/contact/ 在生成的网站中不存在" in message
    pages = int(message.split("共 ")[1].split(" 个页面")[0])
    assert pages >= 10, message  # every page has the footer: one problem, with the count
    assert "templates/404.html" in message and "templates/article.html" in message
    assert not site.out.exists(), "a failed build writes nothing"
    assert "失败：1 个错误" in result.err


def test_check_finds_the_same_link_problems_without_writing(linked_site, cli):
    linked_site.write("news/2024/a.md", article("见[站点](/stations/no-such/)。"))
    before = linked_site.snapshot()
    result = cli("--root", linked_site.root, "check", "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)
    assert problems == [
        {
            "path": "content/news/2024/a.md",
            "line": 6,
            "col": 0,
            "rule": "",
            "severity": "error",
            "message": "链接 '/stations/no-such/' 指向的 /hub/stations/no-such/ 在生成的网站中不存在（会显示 404）",
        }
    ]
    assert linked_site.snapshot() == before


def test_check_with_a_sub_path_base_url(make_site, cli):
    site = make_site({"news/2024/a.md": article('<a href="/news/">新闻</a>')})
    assert cli("--root", site.root, "check", "--base-url", "https://example.org/").code == 0
    result = cli("--root", site.root, "check", "--base-url", "https://example.org/sub/")
    assert result.code == 1
    assert "content/news/2024/a.md:6: 链接 '/news/' 在网站路径 /sub/ 之外" in result.err


def test_the_scanner_ignores_comments_and_scripts_and_reads_any_quoting():
    page = scan_html(
        b'<!-- <a href="/commented/"> -->\n'
        b'<script>document.write("<a href=\'/scripted/\'>")</script>\n'
        b"<a title='a > b' href='/q?a=1&amp;b=2' id=top-link>x</a>\n"
        b'<img src=/i.png srcset="/i.png 1x, /i@2x.png 2x"><h2 id="\xe5\xbc\x80\xe6\x94\xbe">\n'
        b'<link rel="preconnect" href="https://tiles.example.com">'
    )
    assert page.links == (("/q?a=1&b=2", 3), ("/i.png", 4), ("/i.png", 4), ("/i@2x.png", 4))
    assert page.ids == {"top-link", "开放"}


def test_the_scanner_reads_any_case_empty_values_and_the_line_of_each_link():
    page = scan_html(
        b'<A HREF="/upper/" NAME="top">x</A>\n'
        b'<p data-id="not-an-id" class=x>t</p><section id="s1"><a href="">empty</a>\n'
        b'\n'
        b'<a\nhref="/split/"\nid="split">y</a>\n'
        b'<source srcset="/s.webp 1x, /s2.webp 2x"><img src="/i.png" srcset="/j.png 1x">\n'
        b'<use xlink:href="#icon-map"></use><form action="/q/"><style id=css>a{}</style>'
    )
    assert page.links == (
        ("/upper/", 1),
        ("", 2),
        ("/split/", 4),
        ("/s.webp", 7),
        ("/s2.webp", 7),
        ("/i.png", 7),
        ("/j.png", 7),
        ("#icon-map", 8),
        ("/q/", 8),
    )
    assert page.ids == {"top", "s1", "split", "css"}


def test_a_relative_link_on_the_404_page_is_an_error(make_site, build):
    # Pages hosts show 404.html at any missing address (/hub/a/b/c), where a
    # relative "assets/site.css" would point somewhere else each time.
    site = make_site({"news/2024/good.md": MINIMAL_ARTICLE})
    template = site.root / "templates/404.html"
    text = template.read_text(encoding="utf-8")
    marker = "{% endblock %}"
    assert marker in text
    template.write_text(text.replace(marker, '<a href="news/">新闻</a>\n' + marker, 1), encoding="utf-8")
    result = build(site)
    assert result.code == 1
    [line] = problem_lines(result.err)
    assert line.startswith("site/404.html:"), line
    assert "404 页面里的链接 'news/' 是相对地址" in line and "{{ site.base_path }}" in line


def test_files_a_later_stage_writes_can_be_declared():
    """A search index written by its own stage is linked from pages before it
    exists in the model: declared, it is not reported as missing."""
    from types import SimpleNamespace

    from fengchao.check.output_links import check_model
    from fengchao.content.records import Records

    files = [("index.html", b'<script src="/hub/pagefind/pagefind-ui.js"></script><a href="/hub/">home</a>')]
    model = SimpleNamespace(raw=(), copies=(), jobs=())
    config = SimpleNamespace(base_path="/hub/", origin="https://example.org")
    _, problems = check_model(files, model, Records((), (), (), ()), config, "site")
    assert [(p.path, p.line, p.severity) for p in problems] == [("site/index.html", 1, "error")]
    assert "/hub/pagefind/pagefind-ui.js" in problems[0].message
    _, problems = check_model(files, model, Records((), (), (), ()), config, "site", frozenset({"pagefind/pagefind-ui.js"}))
    assert problems == []


def test_a_missing_cover_image_in_front_matter_names_its_line(linked_site, build):
    linked_site.write("news/2024/a.md", "---\ntitle: 有封面的新闻\ndate: 2024-08-19\nimage: /images/cover.jpg\nimage_alt: 驿站外景\n---\n\n正文。\n")
    result = build(linked_site)
    assert result.code == 1
    lines = problem_lines(result.err)
    assert lines and all(line.startswith("content/news/2024/a.md:4: 链接 '/images/cover.jpg' 指向的 /hub/images/cover.jpg") for line in lines), lines
