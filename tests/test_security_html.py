"""Nothing injected, and a strict browser policy.

An editor's text (front matter and Markdown, often pasted from other sites)
must never become markup or script in a reader's browser; every page must
work under the CSP written to `_headers` (no 'unsafe-inline'). These tests
build sites with hostile content and read every output file back.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import MINIMAL_GUIDE, MINIMAL_STATION, REPO, THEME
from fengchao.markup.sanitize import clean
from fengchao.site.headers import csp

HOSTILE_TITLES = [
    '</script><script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
]

HOSTILE_BODY = """\
第一段。

<script>alert("body")</script>

<p onclick="alert(2)" style="color:red">点我</p>

<iframe src="https://evil.example/"></iframe>

<form action="https://evil.example/"><input name="pw"></form>

<style>body{display:none}</style>

[坏链接](javascript:alert(3)) 和 <a href="JaVaScRiPt:alert(4)">大小写</a>

<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="数据网址">

<svg><script>alert(5)</script></svg>

| 站点 | 座位 |
|:-----|-----:|
| 一号 | 4 |

<figure><img src="https://img.example.net/a.jpg" alt="合影"><figcaption>合影</figcaption></figure>

第一行<br>第二行

## 怎么申请

> 引用

*[HTML]: 超文本标记语言
"""


class Scan(HTMLParser):
    """Everything in a page that a strict CSP would block or that is markup
    an editor could not have meant."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts: list[str] = []
        self.ld_json: list[str] = []
        self.style_elements = 0
        self.style_attrs: list[str] = []
        self.handlers: list[str] = []
        self.js_urls: list[str] = []
        self.tags: list[str] = []
        self._in_script: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "script":
            kind = (attrs.get("type") or "").lower()
            if kind == "application/ld+json":
                self._in_script = "ld"
            elif "src" not in attrs:
                self._in_script = "inline"
            else:
                self._in_script = "external"
            self._buf = []
        if tag == "style":
            self.style_elements += 1
        for name, value in attrs.items():
            if name == "style":
                self.style_attrs.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value and re.match(r"\s*(javascript|vbscript):", value, re.I):
                self.js_urls.append(value)

    def handle_data(self, data):
        if self._in_script:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            body = "".join(self._buf)
            if self._in_script == "ld":
                self.ld_json.append(body)
            elif self._in_script == "inline":
                self.inline_scripts.append(body)
            self._in_script = None


def scan(path: Path) -> Scan:
    scanner = Scan()
    scanner.feed(path.read_text(encoding="utf-8"))
    scanner.close()
    return scanner


def assert_csp_clean(out: Path) -> int:
    """Every HTML file: nothing a `script-src 'self'; style-src 'self'` policy blocks."""
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        found = scan(page)
        rel = page.relative_to(out)
        assert not found.inline_scripts, (rel, found.inline_scripts)
        assert not found.style_elements, (rel, "<style>")
        assert not found.style_attrs, (rel, found.style_attrs)
        assert not found.handlers, (rel, found.handlers)
        assert not found.js_urls, (rel, found.js_urls)
        for block in found.ld_json:
            json.loads(block)  # a JSON-LD block that a title could end early would not parse
    return len(pages)


@pytest.fixture
def hostile_site(make_site, build):
    files = {
        "news/2024/a.md": f"---\ntitle: '{HOSTILE_TITLES[0]}'\ndate: 2024-08-19\ntags: ['{HOSTILE_TITLES[1]}']\n"
        f"category: '<b>分类</b>'\nsummary: '{HOSTILE_TITLES[1]}'\nsource: '</title><script>alert(9)</script>'\n---\n\n{HOSTILE_BODY}",
        "news/2024/b.md": f"---\ntitle: '{HOSTILE_TITLES[1]}'\ndate: 2024-08-18\n---\n\n正文。\n",
        "guides/g.md": MINIMAL_GUIDE.replace("测试指南", "指南</script><script>alert(6)</script>"),
        "stations/s.yaml": MINIMAL_STATION.replace("测试站点一", '站点"><svg onload=alert(7)>')
        + "  notes: '<script>alert(8)</script>备注 <img src=https://img.example.net/x.png onerror=alert(1)>'\n",
    }
    site = make_site(files)
    result = build(site)
    assert result.code == 0, result.err
    return site, result


def test_hostile_front_matter_is_text_everywhere(hostile_site):
    site, _ = hostile_site
    count = assert_csp_clean(site.out)
    assert count > 10
    for page in site.out.rglob("*.html"):
        found = scan(page)
        # No element an editor's text could have created.
        assert not {"iframe", "style", "object", "embed"} & set(found.tags), page
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>分类" not in html, page
    article = site.read("news/a/index.html")
    # The title is shown, as text, in the heading, <title> and <meta>.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in article
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert 'content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;' in article
    assert '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;' in site.read("news/b/index.html")


def test_hostile_front_matter_in_feed_and_sitemap_is_text(hostile_site):
    site, _ = hostile_site
    feed = ET.parse(site.out / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles == HOSTILE_TITLES  # round-trips as text, the XML stays well-formed
    ET.parse(site.out / "sitemap.xml")
    data = json.loads((site.out / "stations/stations.json").read_text(encoding="utf-8"))
    assert "onload" in json.dumps(data, ensure_ascii=False)  # kept as data, in a JSON file


def test_markdown_raw_html_is_sanitized_and_reported(hostile_site):
    site, result = hostile_site
    html = site.read("news/a/index.html")
    prose = html[html.index('<div class="prose">') : html.index('<ul class="tags"')]
    for bad in ["alert(", "onclick", "iframe", "<form", "<input", "javascript:", "JaVaScRiPt", "data:image", "display:none"]:
        assert bad not in prose, bad
    # What articles legitimately use survives.
    assert "<table>" in prose and '<th align="left">站点</th>' in prose and '<td align="right">4</td>' in prose
    assert '<figure><img src="https://img.example.net/a.jpg" alt="合影"' in prose and "<figcaption>合影</figcaption>" in prose
    assert "第一行<br>第二行" in prose
    assert '<h2 id="怎么申请">怎么申请</h2>' in prose
    assert "<blockquote>" in prose
    assert '<p>点我</p>' in prose  # the text stays, the handler and style go
    # The editor is told, with the file and the line of the first removed thing.
    warnings = [line for line in result.err.splitlines() if "已删除不安全" in line]
    assert any(w.startswith("content/news/2024/a.md:12: 警告：已删除不安全或不支持的 HTML：<script>") for w in warnings), result.err
    assert "onclick=" in "".join(warnings) and "javascript: 网址" in "".join(warnings)
    assert any(w.startswith("content/stations/s.yaml:") for w in warnings), result.err
    station = site.read("stations/test-1/index.html")
    assert "alert(8)" not in station and "onerror" not in station and "备注" in station


def test_trusted_html_is_published_as_written_and_reported(make_site, build, cli):
    body = '<div class="callout"><span title="x">原样</span></div>\n\n<iframe src="https://video.example/1"></iframe>\n'
    site = make_site({"pages/about.md": f"---\ntitle: 关于\ntrusted_html: true\n---\n\n{body}"})
    result = build(site)
    assert result.code == 0, result.err
    assert "content/pages/about.md:3: 警告：trusted_html: true" in result.err
    html = site.read("about/index.html")
    assert '<iframe src="https://video.example/1"></iframe>' in html
    assert '<div class="callout">' in html
    checked = cli("--root", site.root, "check")
    assert checked.code == 0 and "content/pages/about.md:3: 警告：trusted_html" in checked.err
    strict = build(site, "--strict")
    assert strict.code == 1  # a strict CI build does not publish unsanitized HTML


def test_trusted_html_must_be_true_or_false(make_site, build):
    site = make_site({"pages/about.md": "---\ntitle: 关于\ntrusted_html: yes please\n---\n\n<b>x</b>\n"})
    result = build(site)
    assert result.code == 1
    assert "content/pages/about.md:3: trusted_html 应为 true 或 false" in result.err


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("source_url", "javascript:alert(1)", "source_url 'javascript:alert(1)' 不是网页地址"),
        ("image", "javascript:alert(1)", "封面图片 'javascript:alert(1)' 不能用这种网址"),
    ],
)
def test_front_matter_urls_must_be_web_addresses(make_site, build, field, value, words):
    site = make_site({"news/a.md": f"---\ntitle: 标题\ndate: 2024-08-19\n{field}: '{value}'\nimage_alt: 图\n---\n\n正文\n"})
    result = build(site)
    assert result.code == 1, result.err
    assert f"content/news/a.md:4: {words}" in result.err


def test_sanitizer_allowlist_units():
    assert clean('<a href="/x/" onclick="y">a</a>') == '<a href="/x/">a</a>'
    assert clean('<a href="tel:12345">电话</a>') == '<a href="tel:12345">电话</a>'
    assert clean('<a href="javascript:alert(1)">a</a>') == "<a>a</a>"
    assert clean("<img src=x onerror=alert(1)>") == '<img src="x">'
    assert clean("<script>alert(1)</script>ok") == "ok"
    assert clean('<p style="color:red">x</p>') == "<p>x</p>"
    assert clean('<td align="center">x</td>').count("align") <= 1


def test_demo_site_works_under_the_csp(tmp_path):
    """The real templates and demo content: nothing the policy would block."""
    from fengchao.cli import main

    out = tmp_path / "site"
    assert main(["--root", str(REPO), "build", "--out", str(out)]) == 0
    assert assert_csp_clean(out) > 30
    for template in sorted((THEME / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", text), template
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), template
        # `| safe` only on sanitized Markdown output, on JSON-LD that
        # station_page.json_ld and site/structured.py escape for a <script> block (tested in test_finder, test_structured_data),
        # and on <picture> markup that fengchao/images builds from processed images with every attribute escaped (test_images).
        for use in re.findall(r"\{\{\s*([\w.]+)\s*\|\s*safe", text):
            assert use.split(".")[-1] in {"html", "notes_html", "json_ld", "image_html", "thumb_html", "picture"}, (template, use)


def test_headers_file(tmp_path):
    from fengchao.cli import main

    out = tmp_path / "site"
    assert main(["--root", str(REPO), "build", "--out", str(out)]) == 0
    text = (out / "_headers").read_text(encoding="utf-8")
    rules: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            current = line.strip()
            rules[current] = []
        else:
            rules[current].append(line.strip())
    from fengchao.site.headers import tile_hosts

    # The demo's map tiles (site.yaml stations.map) are the only other image hosts.
    amap = tile_hosts("https://webrd0{s}.is.autonavi.com/appmaptile", "1234")
    assert f"Content-Security-Policy: {csp(amap)}" in rules["/*"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp()  # WebAssembly for search; no 'unsafe-inline' or eval()
    assert "unsafe-inline" not in text
    policy = csp()
    for part in ["default-src 'self'", "img-src 'self' data:", "script-src 'self'", "style-src 'self'"]:
        assert part in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy  # 'wasm-unsafe-eval' is not eval()
    assert "X-Content-Type-Options: nosniff" in rules["/*"]
    assert any(h.startswith("Referrer-Policy: ") for h in rules["/*"])
    # Fingerprinted assets are cached for a year; the rest for an hour; no
    # catch-all rule whose Cache-Control a host would join with these.
    assert "/assets/*" not in rules
    hashed = [path for path in rules if re.fullmatch(r"/assets/site\.[0-9a-f]{8}\.css", path)]
    assert len(hashed) == 1 and (out / hashed[0].lstrip("/")).is_file()
    assert rules[hashed[0]] == ["Cache-Control: public, max-age=31536000, immutable"]
    assert rules["/assets/site.css"] == ["Cache-Control: public, max-age=3600"]
    for path, values in rules.items():
        if path.startswith("/assets/"):
            assert (out / path.lstrip("/")).is_file(), path
            assert len(values) == 1 and values[0].startswith("Cache-Control: public, max-age="), path


def test_json_ld_recipe_cannot_be_ended_by_a_title(tmp_path):
    """docs/security.md: JSON-LD is written with `| tojson`. With the hostile
    titles the block stays one block, parses, and gives the title back."""
    from fengchao.render.templates import Renderer

    (tmp_path / "ld.html").write_text(
        '<script type="application/ld+json">{{ {"@type": "NewsArticle", "headline": title} | tojson }}</script>\n',
        encoding="utf-8",
    )
    renderer = Renderer(tmp_path, tmp_path)
    for title in HOSTILE_TITLES:
        data, problem = renderer.render("ld.html", {"title": title})
        assert problem is None
        found = Scan()
        found.feed(data.decode())
        assert found.inline_scripts == [] and len(found.ld_json) == 1 and found.tags.count("script") == 1
        assert json.loads(found.ld_json[0])["headline"] == title


def test_email_autolinks_survive_link_rewriting_and_sanitizing():
    from fengchao.markup.markdown import LinkMap, MarkdownRenderer

    renderer = MarkdownRenderer(LinkMap("/hub/", {}, frozenset()))
    rendered, problems = renderer.render("写信给 <help@example.org> 或 <mailto:a@example.org>", "news/a.md", "content/news/a.md", 6)
    assert '<a href="mailto:help@example.org">help@example.org</a>' in rendered.html
    assert '<a href="mailto:a@example.org">a@example.org</a>' in rendered.html
    assert problems == []
