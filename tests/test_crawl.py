"""Crawl the built demo site like a link checker would.

Every href/src on every page must land on a file in the output (a URL ending
in / means its index.html), every #fragment must name an id on the target page
(including the SVG sprite's symbols), and with a sub-path base_url no link may
step outside that sub-path — the site has to work from a sub-folder.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import imagefiles
import pytest

from fengchao.cli import main

REPO = Path(__file__).resolve().parent.parent

ORIGIN = "https://example.org"
BASES = ["https://example.org/", "https://example.org/hub/"]
LINK_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "use": ("href", "xlink:href"),
    "source": ("src",),
    "iframe": ("src",),
}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in LINK_ATTRS.get(tag, ()):
            if attrs.get(name) is not None:
                self.links.append((tag, attrs[name]))

    handle_startendtag = handle_starttag


def parse_html(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def svg_ids(path: Path) -> set[str]:
    return {el.get("id") for el in ET.parse(path).iter() if el.get("id")}


def build_demo(out: Path, base_url: str) -> Path:
    code = main(["--root", str(REPO), "build", "--content", str(REPO / "content"), "--out", str(out), "--base-url", base_url])
    assert code == 0, f"demo build failed with exit status {code}"
    return out


@pytest.fixture(scope="module", params=BASES, ids=["root", "hub"])
def demo(request, tmp_path_factory):
    base_url = request.param
    out = build_demo(tmp_path_factory.mktemp("crawl") / "site", base_url)
    return base_url, out


def page_url(base_url: str, out: Path, file: Path) -> str:
    rel = file.relative_to(out).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return base_url + rel


def target_file(out: Path, base_path: str, path: str) -> Path | None:
    """The output file a URL path (already inside base_path) points at."""
    rel = unquote(path)[len(base_path) :]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    return out / rel


def internal_links(base_url: str, out: Path):
    """(page file, original link, absolute URL) for every link on every page."""
    for file in sorted(out.rglob("*.html")):
        parsed = parse_html(file)
        here = page_url(base_url, out, file)
        for _tag, link in parsed.links:
            absolute = urljoin(here, link.strip())
            parts = urlsplit(absolute)
            if parts.scheme not in ("http", "https") or parts.netloc != "example.org":
                continue  # tel:, mailto:, other sites
            yield file, link, absolute


def test_demo_has_pages_to_crawl(demo):
    base_url, out = demo
    pages = list(out.rglob("*.html"))
    # Home, 404, news, stations, guides, tags, categories, archive, about …
    assert len(pages) >= 40
    for rel in [
        "index.html",
        "404.html",
        "news/index.html",
        "stations/index.html",
        "guides/index.html",
        "tags/index.html",
        "categories/index.html",
        "news/archive/index.html",
    ]:
        assert (out / rel).is_file(), rel


def test_every_internal_link_resolves(demo):
    base_url, out = demo
    base_path = urlsplit(base_url).path
    ids_cache: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids_cache:
            ids_cache[path] = svg_ids(path) if path.suffix == ".svg" else parse_html(path).ids if path.suffix == ".html" else set()
        return ids_cache[path]

    broken, checked, fragments = [], 0, 0
    for file, link, absolute in internal_links(base_url, out):
        parts = urlsplit(absolute)
        where = f"{file.relative_to(out)}: {link!r}"
        if not parts.path.startswith(base_path):
            broken.append(f"{where} leaves the base path {base_path}")
            continue
        target = target_file(out, base_path, parts.path)
        checked += 1
        if not target.is_file():
            broken.append(f"{where} → missing {target.relative_to(out)}")
            continue
        if parts.fragment:
            fragments += 1
            if unquote(parts.fragment) not in ids_of(target):
                broken.append(f"{where} → no id {unquote(parts.fragment)!r} in {target.relative_to(out)}")
    assert not broken, "broken links:\n" + "\n".join(broken[:50])
    # The crawl really looked at something: nav, cards, sprites, anchors.
    assert checked > 500
    assert fragments > 50


def test_ids_are_unique_on_every_page(demo):
    """A duplicated id makes a #fragment ambiguous (and is invalid HTML)."""
    _base_url, out = demo
    from collections import Counter

    dupes = {}
    for file in sorted(out.rglob("*.html")):
        ids: Counter = Counter()
        page = _IdCounter(ids)
        page.feed(file.read_text(encoding="utf-8"))
        repeated = sorted(i for i, n in ids.items() if n > 1)
        if repeated:
            dupes[file.relative_to(out).as_posix()] = repeated
    assert not dupes, f"duplicate ids: {dupes}"


class _IdCounter(HTMLParser):
    def __init__(self, counter):
        super().__init__()
        self.counter = counter

    def handle_starttag(self, tag, attrs):
        value = dict(attrs).get("id")
        if value:
            self.counter[value] += 1


def test_svg_sprite_references_are_checked(demo):
    """Station pages use icons.svg#i-<amenity>; each of those ids exists."""
    base_url, out = demo
    sprite_refs = [link for _f, link, _a in internal_links(base_url, out) if ".svg#" in link]
    assert sprite_refs, "no <use href=…icons.svg#…> found"
    ids = svg_ids(out / "assets" / "icons.svg")
    used = {link.split("#", 1)[1] for link in sprite_refs}
    assert "i-hive" in used and "i-seating" in used
    assert used <= ids, f"sprite ids used but not defined: {sorted(used - ids)}"


def test_root_relative_links_stay_under_base_path(demo):
    base_url, out = demo
    base_path = urlsplit(base_url).path
    escaping = []
    for file in sorted(out.rglob("*.html")):
        for _tag, link in parse_html(file).links:
            link = link.strip()
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                if parts.netloc == "example.org" and not parts.path.startswith(base_path):
                    escaping.append(f"{file.relative_to(out)}: {link}")
            elif link.startswith("/") and not link.startswith(base_path):
                escaping.append(f"{file.relative_to(out)}: {link}")
    assert not escaping, "links outside the base path:\n" + "\n".join(escaping[:50])


def test_markdown_root_links_get_base_path(demo):
    """about.md links to /stations/ and /stations/gaoxin-shunfeng/."""
    base_url, out = demo
    base_path = urlsplit(base_url).path
    hrefs = [link for _t, link in parse_html(out / "about" / "index.html").links]
    assert f"{base_path}stations/gaoxin-shunfeng/" in hrefs
    assert f"{base_path}stations/" in hrefs


def test_404_links_work_from_any_depth(demo):
    base_url, out = demo
    base_path = urlsplit(base_url).path
    links = [link.strip() for _t, link in parse_html(out / "404.html").links]
    assert len(links) > 5
    bad = []
    for link in links:
        if link.startswith("#"):
            continue  # same-page anchor (the skip link)
        parts = urlsplit(link)
        if parts.scheme in ("http", "https"):
            ok = parts.netloc == "example.org" and parts.path.startswith(base_path)
        else:
            ok = link.startswith(base_path)
        if not ok:
            bad.append(link)
    assert not bad, f"404.html links that break when served from a nested URL: {bad}"
    # And the 404 page's own asset links resolve from there.
    assert f"{base_path}assets/site.css" in links or any(ln.startswith(f"{base_path}assets/") and ln.endswith(".css") for ln in links)


def test_feed_content_links_resolve(demo):
    """Links inside feed entries (root-relative, resolved against each entry's URL) hit real files."""
    base_url, out = demo
    base_path = urlsplit(base_url).path
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ET.parse(out / "feed.xml").getroot().findall(f"{atom}entry")
    assert entries
    checked = 0
    for entry in entries:
        here = entry.find(f"{atom}link").get("href")
        body = _Page()
        body.feed(entry.find(f"{atom}content").text)
        for _tag, link in body.links:
            absolute = urljoin(here, link)
            parts = urlsplit(absolute)
            if parts.netloc != "example.org":
                continue
            assert parts.path.startswith(base_path), link
            assert target_file(out, base_path, parts.path).is_file(), f"{here}: {link}"
            checked += 1
    assert checked >= 4  # every demo article links to a guide


# A site with everything the demo lacks: lists long enough to paginate (news,
# tags, categories), nested news folders, images, station photos and notes,
# guides with fragments, pages.
RICH_STATIONS = """\
- id: st-1
  name: 一号站
  district: 萨尔图区
  address: 一号路
  location: {lat: 46.60, lng: 125.02}
  amenities: [seating, drinking_water, wifi]
  notes: 旁边是[二号站](/stations/st-2/)，指南见[这里](../guides/g1.md#怎么申请)。
  photos: [{src: /images/st-1.jpg, alt: 一号站门口}]
- id: st-2
  name: 二号站
  district: 高新区
  address: 二号路
  location: {lat: 46.58, lng: 125.15}
  amenities: [umbrella, books]
  sample: true
"""


def rich_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "stations/s.yaml": RICH_STATIONS,
        "images/st-1.jpg": imagefiles.plain_png(),  # a PNG in a .jpg: decoded by what it is
        "images/cover.png": imagefiles.plain_png(),
        "docs/form.pdf": b"%PDF-1.4",
        "pages/contact.md": "---\ntitle: 联系我们\n---\n\n## 地址\n\n见[首页](/)和[表格](/docs/form.pdf)。\n",
        "guides/g1.md": "---\ntitle: 指南一\ntopic: 补助申请\nstations: [st-1, st-2]\ncontacts: [{name: 市关工委, phone: '0459-1234567'}]\n---\n\n## 怎么申请\n\n见[新闻](../news/2023/n00.md)。\n\n## “暖蜂行动”\n\n说明。\n",
        "guides/g2.md": "---\ntitle: 指南二\ntopic: 心理关爱\n---\n\n## 热线\n\n回到[指南一](g1.md#暖蜂行动)。\n",
    }
    for i in range(27):
        year = 2023 if i < 13 else 2024
        files[f"news/{year}/n{i:02d}.md"] = (
            f"---\ntitle: 新闻{i}\ndate: {year}-0{1 + i % 9}-{10 + i % 18}\ntags: [快递小哥, 期中, 期终]\ncategory: 关爱行动\n"
            f"image: ../../images/cover.png\nimage_alt: 封面{i}\n---\n\n"
            f"## 第{i}节\n\n去[一号站](/stations/st-1/)，看[指南](../../guides/g1.md#怎么申请)和[联系](../../pages/contact.md)。\n\n"
            "![门口](/images/st-1.jpg)\n"
        )
    return files


@pytest.mark.parametrize("base_url", BASES, ids=["root", "hub"])
def test_rich_site_crawl(make_site, build, base_url, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735660800")  # 2025-01-01
    site = make_site(rich_files())
    result = build(site, "--base-url", base_url)
    assert result.code == 0, result.err
    out = site.out
    for rel in [
        "news/page/3/index.html",
        "tags/kuai-di-xiao-ge/page/3/index.html",
        "categories/guan-ai-xing-dong/page/2/index.html",
        "tags/qi-zhong/index.html",
        "tags/qi-zhong-2/index.html",
        "contact/index.html",
        "docs/form.pdf",
    ]:
        assert (out / rel).is_file(), rel
    test_every_internal_link_resolves((base_url, out))
    test_root_relative_links_stay_under_base_path((base_url, out))
    test_404_links_work_from_any_depth((base_url, out))
    test_ids_are_unique_on_every_page((base_url, out))
