"""The quick stages (markup/quick.py) must not change a single byte of what
Python-Markdown makes: they only skip inline patterns that could not match
and a table of contents nobody asked for (no `[TOC]`).

Compared with Python-Markdown's own inline and table-of-contents processors,
configured exactly as fengchao's renderer is, on random Markdown built from every character and
construct the patterns look for, and on real bodies: the demo site, the
benchmark's generated articles and the scraped city page."""

from __future__ import annotations

import random
import re

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

from bench.corpus import article_body
from conftest import FIXTURES, REPO, SHARED
from fengchao.markup import markdown as markup
from fengchao.markup import quick as markup_quick
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from fengchao.markup.quick import (
    QuickAttrListTreeprocessor,
    QuickInlineProcessor,
    QuickTocTreeprocessor,
)


def _renderer() -> MarkdownRenderer:
    return MarkdownRenderer(LinkMap("/", {"news/a.md": "news/a/"}, frozenset()))


@pytest.fixture(scope="module")
def converters():
    quick = _renderer()._md
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markup, "install_quick_stages", lambda converter: None)
        patch.setattr(markup, "QuickTocExtension", TocExtension)
        stock = _renderer()._md
    return quick, stock


def _made(converter, text: str) -> tuple:
    """The HTML and the headings (the page's table of contents is made from them)."""
    return converter.reset().convert(text), converter.toc_tokens


def _same(converters, text: str) -> None:
    quick, stock = converters
    assert _made(quick, text) == _made(stock, text), text


def test_the_renderer_runs_the_quick_stages(converters):
    """Else every comparison below would compare the stock stages with themselves."""
    quick, stock = converters
    assert type(quick.treeprocessors["inline"]) is QuickInlineProcessor
    assert type(stock.treeprocessors["inline"]) is InlineProcessor
    assert type(quick.treeprocessors["toc"]) is QuickTocTreeprocessor
    assert type(stock.treeprocessors["toc"]) is TocTreeprocessor
    assert type(quick.treeprocessors["attr_list"]) is QuickAttrListTreeprocessor
    assert type(stock.treeprocessors["attr_list"]) is AttrListTreeprocessor
    # And it does skip: text with nothing to match comes back as it was.
    assert quick.reset().convert("城市小蜜蜂，温暖服务站。") == "<p>城市小蜜蜂，温暖服务站。</p>"


# Pieces of Markdown: every character an inline pattern starts with, the
# constructs themselves (complete and broken), block syntax that makes table
# cells, list items and headings, and plain Chinese text in between.
PIECES = [
    *"`\\[]()!<>&*_^{}|#-:.;=/\"' \n\t",
    "  \n",
    "\n\n",
    "快递小哥",
    "暖心驿站",
    "abc",
    "123",
    "http://x.cn/a",
    "a@b.cn",
    "[链接](news/a.md)",
    "[ref][1]",
    "[1]: http://x.cn",
    "![图](a.png)",
    "![ref][1]",
    "[^1]",
    "[^1]: 注释",
    "**加粗**",
    "*斜体*",
    "__粗__",
    "_斜_",
    "***粗斜***",
    " * ",
    " _ ",
    "`代码`",
    "``a`b``",
    "\\*",
    "\\\\",
    "<http://x.cn>",
    "<a@b.cn>",
    "<b>粗</b>",
    "<!-- 注 -->",
    "&amp;",
    "&#169;",
    "&copy",
    "&",
    "# 标题",
    "## 二级 {#id}",
    "- 项",
    "1. 项",
    "> 引用",
    "| a | b |\n|---|---|\n| 中 | *文* |\n",
    "    缩进代码",
    "```\n代码\n```\n",
    "*[HTML]: 超文本",
    "术语\n:   定义",
    "{: .cls }",
    "{: #anchor }",
    "{#x}",
    "\n{: .note }\n",
    "| a {: .c } |\n|---|\n| b {: .d } |\n",
    "- 项 {: .e }\n",
    "[TOC]",
    "\n\n[TOC]\n\n",
    "## 目录\n\n[TOC]\n\n### 小节\n",
    '<div markdown="1">\n\n[TOC]\n\n</div>\n',
]
markdownish = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(markdownish)
def test_random_markdown_renders_byte_for_byte_as_python_markdown_does(converters, text):
    _same(converters, text)


def _real_bodies() -> list[tuple[str, str]]:
    bodies = [
        (str(path.relative_to(REPO)), frontmatter.loads(path.read_text(encoding="utf-8")).content)
        for path in sorted((REPO / "content").rglob("*.md"))
    ]
    bodies += [(str(path.relative_to(REPO)), path.read_text(encoding="utf-8")) for path in sorted((REPO / "docs").glob("*.md"))]
    rng = random.Random(7)
    bodies += [(f"bench article {i}", article_body(rng, i, 624)) for i in range(40)]
    for page in (FIXTURES / "scraped-article.txt", SHARED / "fixtures" / "scraped-article.txt"):
        if page.is_file():  # the shared page only where it is beside the repository
            scraped = page.read_text(encoding="utf-8")
            bodies += [(str(page), scraped), (f"{page}, paragraphs", re.sub(r"\n+", "\n\n", scraped))]
    return bodies


def test_real_bodies_render_byte_for_byte_as_python_markdown_does(converters):
    bodies = _real_bodies()
    assert len(bodies) > 60
    quick, stock = converters
    for name, text in bodies:
        assert _made(quick, text) == _made(stock, text), name


def test_a_python_markdown_without_the_replaced_methods_keeps_its_own_stage(monkeypatch):
    monkeypatch.setattr(markup_quick, "supported", lambda: False)
    converter = _renderer()._md
    assert type(converter.treeprocessors["inline"]) is InlineProcessor
    assert converter.reset().convert("**粗** [链](news/a.md)") == '<p><strong>粗</strong> <a href="/news/a/">链</a></p>'


def test_an_unknown_inline_pattern_is_always_tried(converters):
    """Another extension's pattern (here one with no special character at
    all) must still run on text that none of the built-in ones need."""
    from markdown.inlinepatterns import SimpleTagInlineProcessor

    converter = _renderer()._md
    converter.inlinePatterns.register(SimpleTagInlineProcessor(r"(蜜)(蜂)", "mark"), "bee", 5)
    assert converter.reset().convert("城市小蜜蜂") == "<p>城市小<mark>蜂</mark></p>"


def test_a_toc_marker_still_becomes_the_table_of_contents(converters):
    """The one case where the quick table-of-contents stage must do the work."""
    text = "[TOC]\n\n## 第一节\n\n正文\n\n### 小节\n\n正文\n"
    html, _ = _made(converters[0], text)
    assert '<div class="toc">' in html and '<a href="#第一节">第一节</a>' in html
    _same(converters, text)
    inside_html = '<div markdown="1">\n\n[TOC]\n\n</div>\n\n## 第一节\n'
    assert '<div class="toc">' in _made(converters[0], inside_html)[0]
    _same(converters, inside_html)
