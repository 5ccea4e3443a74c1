"""What a rider's phone downloads: small pages, fingerprinted and minified assets.

Checked on the demo site, built as production (`fengchao build`).
"""

from __future__ import annotations

import gzip
import hashlib
import re

import pytest

from conftest import REPO, THEME
from fengchao.cli import main

PAGE_GZIP_LIMIT = 30 * 1024
CSS_GZIP_LIMIT = 20 * 1024


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "site"
    assert main(["--root", str(REPO), "build", "--out", str(out), "--no-cache"]) == 0
    return out


def test_every_page_is_at_most_30_kb_gzipped(demo):
    pages = list(demo.rglob("*.html"))
    assert len(pages) > 30
    sizes = {p.relative_to(demo).as_posix(): len(gzip.compress(p.read_bytes())) for p in pages}
    too_big = {rel: size for rel, size in sizes.items() if size > PAGE_GZIP_LIMIT}
    assert not too_big, f"pages over {PAGE_GZIP_LIMIT} bytes gzipped: {too_big}"


def test_all_css_together_is_at_most_20_kb_gzipped(demo):
    linked = set()
    for page in demo.rglob("*.html"):
        linked |= set(re.findall(r'<link rel="stylesheet" href="/hub/([^"]+)"', page.read_text(encoding="utf-8")))
    assert linked, "no stylesheet linked"
    total = sum(len(gzip.compress((demo / rel).read_bytes())) for rel in linked)
    assert total <= CSS_GZIP_LIMIT, f"CSS is {total} bytes gzipped"


def test_pages_link_fingerprinted_assets_that_match_their_content(demo):
    home = (demo / "index.html").read_text(encoding="utf-8")
    [css] = re.findall(r'<link rel="stylesheet" href="/hub/(assets/site\.([0-9a-f]{8})\.css)"', home)
    rel, digest = css
    assert (demo / rel).is_file()
    assert hashlib.sha256((THEME / "assets" / "site.css").read_bytes()).hexdigest()[:8] == digest
    icons = re.findall(r'<use href="/hub/(assets/icons\.[0-9a-f]{8}\.svg)#i-hive"', home)
    assert icons and (demo / icons[0]).is_file()
    # Every page links the same fingerprinted files, never the plain names.
    for page in demo.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "assets/site.css" not in text and "assets/icons.svg#" not in text, page


def test_a_changed_stylesheet_gets_a_new_name(make_site, build):
    site = make_site({"pages/about.md": "---\ntitle: 关于\n---\n\n关于本站。\n"})
    assert build(site).code == 0
    before = re.findall(r"assets/site\.[0-9a-f]{8}\.css", site.read("index.html"))
    (site.root / "assets" / "site.css").write_text("body { color: #111; }\n", encoding="utf-8")
    assert build(site).code == 0
    after = re.findall(r"assets/site\.[0-9a-f]{8}\.css", site.read("index.html"))
    assert before and after and before != after
    assert not (site.out / before[0]).exists()  # the old name is gone with the old file


def test_production_build_is_minified_and_preview_is_not(demo, make_site, build, tmp_path):
    css_name = re.findall(r"assets/site\.[0-9a-f]{8}\.css", (demo / "index.html").read_text(encoding="utf-8"))[0]
    css = (demo / css_name).read_text(encoding="utf-8")
    source = (THEME / "assets" / "site.css").read_text(encoding="utf-8")
    assert len(css) < len(source) * 0.95 and "\n  " not in css and "/*" not in css
    for page in demo.rglob("*.html"):
        text = re.sub(r"<pre\b.*?</pre>", "", page.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"\n[ \t]+<", text), f"indentation left in {page}"
    # The drafts preview keeps the templates' layout, for whoever reads its source.
    site = make_site({"pages/about.md": "---\ntitle: 关于\n---\n\n关于本站。\n"})
    assert build(site, "--drafts", "--out", str(tmp_path / "preview")).code == 0
    assert re.search(r"\n[ \t]+<", (tmp_path / "preview" / "index.html").read_text(encoding="utf-8"))


def test_minifying_keeps_escaped_text_escaped(make_site, build):
    text = "---\ntitle: '<script>alert(1)</script> & \"引号\"'\ndate: 2024-08-19\n---\n\n正文。\n"
    site = make_site({"news/x.md": text})
    assert build(site).code == 0
    raw = site.read("news/x/index.html")
    assert "<script>" not in raw and "&lt;script&gt;" in raw
