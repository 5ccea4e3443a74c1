"""Names that survive any host: outputs that a case-insensitive or
normalising host would merge are an error naming both sources; tags and
categories are compared as they look; generated folders cannot be taken by
content; addresses are full web addresses; Markdown paths use slashes."""

from __future__ import annotations

import unicodedata

import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, MINIMAL_STATION

GOOD = {"news/2024/good.md": MINIMAL_ARTICLE, "guides/good.md": MINIMAL_GUIDE, "stations/good.yaml": MINIMAL_STATION}
PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-1.4\n%%EOF\n"


def errors(result, prefix: str = "content/") -> list[str]:
    assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
    return [line for line in result.err.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize(
    "first, second",
    [
        # Static files that are published as they are (a photo is published
        # only as renditions, and only when content shows it: issue 17).
        ("news/2024/Poster.pdf", "news/2024/poster.pdf"),
        ("NEWS/notice.pdf", None),  # beside the generated news/
        ("Stations/x.pdf", None),
        ("files/caf\u00e9.pdf", "files/cafe\u0301.pdf"),
    ],
)
def test_outputs_differing_only_by_case_or_normalisation_are_an_error(make_site, build, first, second):
    files = {**GOOD, first: PDF}
    if second:
        files[second] = PDF
    site = make_site(files)
    result = build(site)
    shown = [line for line in errors(result, "") if "只差大小写或 Unicode 写法" in line]
    assert result.code == 1 and len(shown) == 1, result.err
    assert not site.out.exists()


def test_tags_that_look_the_same_make_one_tag_page(make_site, build):
    nfd = unicodedata.normalize("NFD", "café")
    a = MINIMAL_ARTICLE.replace("tags: [快递小哥]", "tags: [快递\u200b小哥, café]")
    b = MINIMAL_ARTICLE.replace("title: 测试新闻", "title: 另一篇\nslug: another").replace("tags: [快递小哥]", f"tags: [快递小哥, {nfd}]")
    site = make_site({**GOOD, "news/2024/good.md": a, "news/2024/b.md": b})
    result = build(site)
    assert result.code == 0, result.err
    tag_dirs = sorted(p.name for p in (site.out / "tags").iterdir() if p.is_dir())
    assert tag_dirs == ["cafe", "kuai-di-xiao-ge"], tag_dirs
    assert site.read("tags/kuai-di-xiao-ge/index.html").count('href="/hub/news/') >= 2


@pytest.mark.parametrize("rel", ["pagefind/pagefind.js", "search/data.json", "assets/site.css", "Pagefind/x.png"])
def test_generated_folders_cannot_be_taken_by_content(make_site, build, rel):
    site = make_site({**GOOD, rel: b"// mine"})
    result = build(site)
    shown = errors(result, f"content/{rel}")
    assert result.code == 1 and len(shown) == 1 and "网站自己生成的文件夹" in shown[0], result.err


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "javascript:alert(1)//", "example.org/hub/", "https://", "http://exa mple.org/", "http://[::1"]
)
def test_base_url_must_be_a_web_address_one_usage_error(make_site, build, url):
    site = make_site(GOOD)
    result = build(site, "--base-url", url)
    assert result.code == 2, result.err
    assert result.err.count("--base-url") == 1 and "不是网站地址" in result.err, result.err
    assert not site.out.exists()


def test_base_url_check_also_for_check(make_site, cli):
    site = make_site(GOOD)
    result = cli("--root", site.root, "check", "--base-url", "ftp://example.org/")
    assert result.code == 2 and "不是网站地址" in result.err


@pytest.mark.parametrize("link, line", [("[图](images\\photo.png)", 14), ("![x](..\\..\\x.png)", 14), ("[另一个](a\\b.md)", 14)])
def test_markdown_links_with_backslashes_at_their_line_as_typed(make_site, build, link, line):
    body = MINIMAL_ARTICLE + "\n第二段。\n\n第三段。\n\n" + link + "\n"
    site = make_site({**GOOD, "news/2024/good.md": body})
    result = build(site)
    shown = errors(result, "content/news/2024/good.md")
    assert result.code == 1 and len(shown) == 1, result.err
    assert shown[0].startswith(f"content/news/2024/good.md:{line}: ") and "反斜杠" in shown[0], shown
    assert "\\x02" not in result.err and "\x02" not in result.err


def test_protocol_relative_cover_is_an_error_not_a_double_slash_url(make_site, build):
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", "category: 关爱行动\nimage: //cdn.example.com/a.png\nimage_alt: 图")
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    shown = errors(result, "content/news/2024/good.md")
    assert result.code == 1 and shown[0].startswith("content/news/2024/good.md:6: 封面图片 ") and "//" in shown[0], result.err


def test_cover_outside_content_has_its_line(make_site, build):
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", "category: 关爱行动\nimage_alt: 图\nimage: ../../../../etc/passwd")
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    shown = errors(result, "content/news/2024/good.md")
    assert result.code == 1 and shown[0].startswith("content/news/2024/good.md:7: 封面图片 ") and "内容文件夹之外" in shown[0], result.err


@pytest.mark.parametrize("link", ["[x](http://[::1/a)", "[y](//[x)", "<http://[::1>", "![z](https://[img/a.png)"])
def test_a_broken_address_in_a_link_is_an_error_at_its_line(make_site, build, cli, link):
    body = MINIMAL_ARTICLE + "\n第二段。\n\n" + link + "\n"
    site = make_site({**GOOD, "news/2024/good.md": body})
    for result in (build(site), cli("--root", site.root, "check")):
        shown = errors(result, "content/news/2024/good.md")
        assert result.code == 1 and shown and all(line.startswith("content/news/2024/good.md:12: ") for line in shown), result.err
        assert "不是有效的网址" in result.err


def test_a_broken_base_url_in_site_yaml_is_an_error_at_its_line(make_site, build):
    from conftest import REPO

    config = (REPO / "site.yaml").read_text(encoding="utf-8")
    site = make_site(GOOD, config=config.replace("base_url: https://example.org/hub/", 'base_url: "https://[example.org/hub/"'))
    result = build(site)
    assert result.code == 1, result.err
    assert any(line.startswith("site.yaml:") and "base_url 必须是完整网址" in line for line in result.err.splitlines()), result.err
