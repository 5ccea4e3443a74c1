"""Every page type of the built demo, measured by tools nobody here wrote:
axe-core (WCAG 2.0/2.1 A and AA) at phone and desktop width, and the Nu HTML
Checker (vnu.jar). Plus what a rider with JavaScript off, an older rider,
and a rider on a 320 px phone each need.

axe-core is vendored (tests/vendor/axe.min.js) so CI needs no npm for it;
vnu.jar comes from npm (package.json devDependency, installed by .ci/run)
and the Nu test skips, saying why, only where java or the jar is missing."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.photo_article import PATH as PHOTO_ARTICLE

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "tests/vendor/axe.min.js"
VNU = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [375, 1280]

# One page of each type: (name, path in the site, its file in the build).
PAGES = [
    ("home", "", "index.html"),
    ("news list", "news/", "news/index.html"),
    ("article", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/index.html"),
    # Each kind of embed (markup/embeds.py): station card, map, contact card, notice box.
    ("article with embeds", "news/rang-chengshi-xiaomifeng-kuaile-feixiang/", "news/rang-chengshi-xiaomifeng-kuaile-feixiang/index.html"),
    ("tag", "tags/guan-gong-wei/", "tags/guan-gong-wei/index.html"),
    ("category", "categories/guan-ai-xing-dong/", "categories/guan-ai-xing-dong/index.html"),
    ("archive", "news/archive/", "news/archive/index.html"),
    ("station directory", "stations/", "stations/index.html"),
    ("district", "stations/district/gao-xin-qu/", "stations/district/gao-xin-qu/index.html"),
    ("station", "stations/gaoxin-shunfeng/", "stations/gaoxin-shunfeng/index.html"),
    ("guide index", "guides/", "guides/index.html"),
    ("guide", "guides/falv-yuanzhu/", "guides/falv-yuanzhu/index.html"),
    # The demo's images (issue 17): the article with embeds has a drawing as
    # its cover, the station a drawn board among its photos, this guide a chart.
    ("guide with a picture", "guides/qingxiaoyi/", "guides/qingxiaoyi/index.html"),
    ("search", "search/?q=%E5%85%85%E7%94%B5", "search/index.html"),
    ("404", "404.html", "404.html"),
    ("elder-mode help", "elder/", "elder/index.html"),
]
IDS = [name for name, _, _ in PAGES]
# The other page kinds, for the Nu checker only: the lists of all tags and
# categories, an amenity's stations, a free-standing page, an alias's redirect page.
NU_ONLY = [
    "tags/index.html",
    "categories/index.html",
    "stations/amenity/charging/index.html",
    "about/index.html",
    "news/yan-jiankang-pucha/index.html",
]


def open_page(tab, demo_site, path: str) -> None:
    """Load a page and bring it to the state a rider sees: the finder with
    results and the map open, the search page with its results."""
    page = tab.page
    page.goto(demo_site.url + path)
    if path == "stations/":
        page.click("#finder-locate")
        page.wait_for_selector("#finder-results li")
        page.click("#map-show")
        page.wait_for_selector("#map-section[data-markers]")
    elif path.startswith("search/"):
        page.wait_for_function(
            "() => { const s = document.getElementById('search-status').textContent; return s && !s.startsWith('正在'); }", timeout=20000
        )
        assert page.locator(".result-title a").count() > 0, "the search page must show results before axe runs"


def axe_violations(page) -> list[str]:
    # evaluate() is not subject to the page's CSP, so axe needs no inline <script>.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    assert len(result["passes"]) > 10, "axe must have checked the page"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name,path,_file", PAGES, ids=IDS)
def test_axe_finds_no_wcag_a_or_aa_violation(demo_site, open_tab, name, path, _file, width):
    tab = geo_tab(open_tab, width)
    open_page(tab, demo_site, path)
    assert axe_violations(tab.page) == [], f"{name} at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_in_an_article_with_three_photos(photo_site, open_tab, width):
    tab = geo_tab(open_tab, width)
    tab.page.goto(photo_site.site.url + PHOTO_ARTICLE)
    assert tab.page.locator("main picture").count() == 3
    assert axe_violations(tab.page) == [], f"the three-photo article at {width} px"


def test_nu_html_checker_finds_no_error(demo_site, photo_site):
    if shutil.which("java") is None:
        pytest.skip("java not found: install a JRE (apt-get install -y default-jre-headless) to run the Nu HTML Checker")
    if not VNU.exists():
        pytest.skip(f"{VNU.relative_to(REPO)} not found: run `npm ci` (the vnu-jar devDependency) to run the Nu HTML Checker")
    # 26.9.27 reports a skipped heading level (h1 → h3), which 24.10.17 did not check.
    version = subprocess.run(["java", "-jar", str(VNU), "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    assert tuple(map(int, version.split()[0].split("."))) >= (26, 9, 27), f"vnu.jar {version}: run `npm ci` for the pinned version"
    files = [str(demo_site.root / file) for _, _, file in PAGES] + [str(demo_site.root / file) for file in NU_ONLY]
    files.append(str(photo_site.site.root / PHOTO_ARTICLE / "index.html"))
    assert all(Path(file).is_file() for file in files)
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [f"{m.get('url', '').rsplit(str(demo_site.root), 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert errors == []
    assert run.returncode == 0


def test_main_content_is_there_without_javascript(demo_site, open_tab):
    tab = open_tab(java_script_enabled=False)
    for name, path, _ in PAGES:
        tab.page.goto(demo_site.url + path)
        main = tab.page.locator("main")
        assert main.count() == 1, name
        heading = main.locator("h1")
        assert heading.count() == 1 and heading.inner_text().strip(), f"{name}: no heading without JavaScript"
        assert len(main.inner_text()) > 40, f"{name}: main content missing without JavaScript"
    # The directory lists every station without the finder's script.
    tab.page.goto(demo_site.url + "stations/")
    assert tab.page.locator("main a[href*='/stations/gaoxin-shunfeng/']").count() >= 1


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def geo_tab(open_tab, width: int, height: int = 900):
    return open_tab(viewport={"width": width, "height": height}, geolocation={"latitude": 46.58, "longitude": 125.15}, permissions=["geolocation"])


def set_elder(tab, demo_site, on: bool) -> None:
    tab.page.goto(demo_site.url)
    tab.page.evaluate("on => localStorage.setItem('fengchao-elder', on ? '1' : '0')", on)


# 320 px: the narrowest phone. 188 px: a 375 px phone zoomed to 200%
# (zoom divides the CSS viewport), with and without 长辈模式.
@pytest.mark.parametrize("width,elder", [(320, False), (188, False), (188, True)], ids=["320px", "375px-at-200%", "375px-at-200%-elder"])
def test_no_horizontal_scrolling_on_narrow_or_zoomed_screens(demo_site, open_tab, width, elder):
    tab = geo_tab(open_tab, width, 640)
    set_elder(tab, demo_site, elder)
    wide = []
    for name, path, _ in PAGES:
        open_page(tab, demo_site, path)
        if horizontal_overflow(tab.page) > 0:
            wide.append(f"{name}: {horizontal_overflow(tab.page)} px too wide")
    assert wide == []


# What 长辈模式 must give a rider, in CSS px: 2021 适老化 norms.
TAP_TARGETS = ".elder-toggle, .site-nav a, .site-search button, .site-search input, .breadcrumbs a, .footer-links a, .card-title a"


def measure(page) -> dict:
    return page.evaluate(
        """sel => {
        const body = getComputedStyle(document.body);
        const h1 = getComputedStyle(document.querySelector('main h1'));
        const meta = document.querySelector('.meta, .byline');
        return {
            font: parseFloat(body.fontSize), line: parseFloat(body.lineHeight), h1: parseFloat(h1.fontSize),
            targets: [...document.querySelectorAll(sel)].map(e => Math.round(e.getBoundingClientRect().height)),
            ink: body.color, muted: meta ? getComputedStyle(meta).color : null,
            pressed: document.querySelector('.elder-toggle').getAttribute('aria-pressed'),
            tag: document.querySelector('.elder-toggle').tagName,
        };
    }""",
        TAP_TARGETS,
    )


def test_elder_mode_switch_enlarges_text_and_targets_and_persists(demo_site, open_tab):
    tab = open_tab()
    page = tab.page
    page.goto(demo_site.url + "news/")
    before = measure(page)
    assert before["tag"] == "BUTTON" and before["pressed"] == "false"
    assert before["font"] < 20 and min(before["targets"]) < 60

    page.click("button.elder-toggle")
    # The switch adds a stylesheet link; it may still be arriving.
    page.wait_for_function("px => parseFloat(getComputedStyle(document.body).fontSize) > px", arg=before["font"], timeout=10000)
    on = measure(page)
    assert on["pressed"] == "true"
    assert on["font"] >= 20, "body text must be at least 20 px"
    assert on["line"] >= 1.5 * on["font"], "line height must be at least 1.5"
    assert on["h1"] > before["h1"] and on["h1"] >= 1.4 * on["font"]
    assert len(on["targets"]) >= 8 and min(on["targets"]) >= 60, on["targets"]
    assert on["ink"] == "rgb(0, 0, 0)" and on["muted"] != before["muted"], "stronger contrast: black text, darker grey"

    # Another page, and a later visit: still on, with no click.
    page.goto(demo_site.url + "news/kuaidi-xiaoge-jianzhi-wanggeyuan/")
    article = measure(page)
    assert article["pressed"] == "true" and article["font"] >= 20 and min(article["targets"]) >= 60
    page.click("button.elder-toggle")
    assert measure(page)["font"] == before["font"]
    page.goto(demo_site.url + "guides/")
    assert measure(page)["pressed"] == "false" and measure(page)["font"] == before["font"]
    assert tab.csp_violations() == []


def test_without_javascript_elder_mode_is_a_stylesheet_and_a_help_page(demo_site, open_tab):
    tab = open_tab(java_script_enabled=False)
    page = tab.page
    page.goto(demo_site.url + "guides/falv-yuanzhu/")
    sheet = page.locator('link[title="长辈模式"]')
    assert sheet.get_attribute("rel") == "alternate stylesheet"
    assert page.request.get(sheet.evaluate("l => l.href")).ok
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") < 20, "alternate: off until chosen"
    page.click("header a.elder-toggle")
    assert page.url == demo_site.url + "elder/"
    assert "字体大小" in page.locator("main").inner_text()


@pytest.mark.parametrize(
    "name,path,_file",
    [p for p in PAGES if p[0] in ("home", "article", "station directory", "guide")],
    ids=["home", "article", "station directory", "guide"],
)
def test_axe_finds_no_violation_in_elder_mode(demo_site, open_tab, name, path, _file):
    tab = geo_tab(open_tab, 375)
    set_elder(tab, demo_site, True)
    open_page(tab, demo_site, path)
    assert tab.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 20
    assert axe_violations(tab.page) == [], f"{name} in 长辈模式"


def test_share_cards_have_absolute_urls_and_a_real_image_and_no_wechat_sdk(demo_site):
    """What WeChat (and any app) reads to draw a shared link: og:url and
    og:image, both absolute; no page needs WeChat's JS-SDK to work."""
    for name, _, file in PAGES:
        html = (demo_site.root / file).read_text(encoding="utf-8")
        og = dict(re.findall(r'<meta property="(og:[a-z:_]+)" content="([^"]*)"', html))
        assert og.get("og:url", "").startswith(demo_site.url), f"{name}: og:url {og.get('og:url')}"
        assert og.get("og:image", "").startswith(demo_site.url), f"{name}: og:image {og.get('og:image')}"
        assert og.get("og:title") and og.get("og:description"), name
        assert not re.search(r"jweixin|res\.wx\.qq\.com|wx\.config", html), f"{name} loads WeChat's JS-SDK"
    image = demo_site.root / urlsplit(og["og:image"]).path.lstrip("/")
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1200, 630)
    assert len(data) <= 60_000, "a share picture a weak connection can fetch"
