"""Every page type of the built demo, measured by tools nobody here wrote:
axe-core (WCAG 2.0/2.1 A and AA) at phone and desktop width, and the Nu HTML
Checker (vnu.jar). Plus what a rider with JavaScript off, an older rider,
and a rider on a 320 px phone each need.

axe-core is vendored (tests/vendor/axe.min.js) so CI needs no npm for it;
vnu.jar comes from npm (package.json devDependency, installed by .ci/run)
and the Nu test skips, saying why, only where java or the jar is missing."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

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
    ("tag", "tags/guan-gong-wei/", "tags/guan-gong-wei/index.html"),
    ("archive", "news/archive/", "news/archive/index.html"),
    ("station directory", "stations/", "stations/index.html"),
    ("station", "stations/gaoxin-shunfeng/", "stations/gaoxin-shunfeng/index.html"),
    ("guide index", "guides/", "guides/index.html"),
    ("guide", "guides/falv-yuanzhu/", "guides/falv-yuanzhu/index.html"),
    ("search", "search/?q=%E5%85%85%E7%94%B5", "search/index.html"),
    ("404", "404.html", "404.html"),
    ("elder-mode help", "elder/", "elder/index.html"),
]
IDS = [name for name, _, _ in PAGES]


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
            "() => { const s = document.getElementById('search-status').textContent; return s && !s.startsWith('正在'); }",
            timeout=20000)
        assert page.locator(".result-title a").count() > 0, "the search page must show results before axe runs"


def axe_violations(page) -> list[str]:
    # evaluate() is not subject to the page's CSP, so axe needs no inline <script>.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"]) for n in v["nodes"][:3])
            for v in result["violations"]]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name,path,_file", PAGES, ids=IDS)
def test_axe_finds_no_wcag_a_or_aa_violation(demo_site, open_tab, name, path, _file, width):
    tab = open_tab(viewport={"width": width, "height": 900},
                   geolocation={"latitude": 46.58, "longitude": 125.15}, permissions=["geolocation"])
    open_page(tab, demo_site, path)
    assert axe_violations(tab.page) == [], f"{name} at {width} px"


def test_nu_html_checker_finds_no_error(demo_site):
    if shutil.which("java") is None:
        pytest.skip("java not found: install a JRE (apt-get install -y default-jre-headless) to run the Nu HTML Checker")
    if not VNU.exists():
        pytest.skip(f"{VNU.relative_to(REPO)} not found: run `npm ci` (the vnu-jar devDependency) to run the Nu HTML Checker")
    files = [str(demo_site.root / file) for _, _, file in PAGES]
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
                         capture_output=True, text=True, timeout=300)
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


def test_no_horizontal_scrolling_at_320_px(demo_site, open_tab):
    tab = open_tab(viewport={"width": 320, "height": 640})
    wide = []
    for name, path, _ in PAGES:
        open_page(tab, demo_site, path) if path != "stations/" else tab.page.goto(demo_site.url + path)
        if horizontal_overflow(tab.page) > 0:
            wide.append(f"{name}: {horizontal_overflow(tab.page)} px too wide")
    assert wide == []
