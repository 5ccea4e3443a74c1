"""Real queries in Chromium against the built demo site (served under /hub/
with the site's CSP). Each query names the page a rider expects; it must be
among the first three results.

The fixtures live here, not in conftest.py: this suite needs its own server
(the site under a sub-path, and a CSP that lets Pagefind compile WebAssembly).
Without /usr/bin/chromium or the playwright package the tests skip, saying
why; .ci/run installs chromium, so CI runs them."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import free_port

REPO = Path(__file__).resolve().parents[2]
# The policy the site is deployed with: scripts and styles only from our own
# files. Pagefind compiles WebAssembly, which `script-src 'self'` alone
# forbids; 'wasm-unsafe-eval' allows exactly that and not JS eval().
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:"
# Ports for this suite's server: a fixed range, so parallel work on one
# machine doesn't collide (override with FENGCHAO_TEST_PORTS=8500-8599).
PORTS = os.environ.get("FENGCHAO_TEST_PORTS", "8500-8599")


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def search_site(tmp_path_factory):
    """Build the demo under /hub/ and serve it; yields the site's base URL."""
    root = tmp_path_factory.mktemp("www")
    low, high = (int(p) for p in PORTS.split("-"))
    port = free_port(range(low, high + 1))
    base = f"http://127.0.0.1:{port}/hub/"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")  # 2026-01-01: every demo article is published
    proc = subprocess.run(
        [sys.executable, "-m", "fengchao", "--root", str(REPO), "build", "--out", str(root / "hub"), "--base-url", base],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def tab(browser):
    """A fresh tab (in the run's one Chromium, tests/conftest.py) that records
    console errors and CSP violations."""
    context = browser.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


# (query, expected page, what kind of query it is)
QUERIES = [
    ("检", "news/kuaidiyuan-yan-jiankang-pucha/", "single character"),
    ("肇", "stations/sample-zhaoyuan-1/", "single character"),
    ("律", "guides/falv-yuanzhu/", "single character"),
    ("眼", "guides/yan-jiankang/", "single character"),
    ("体检", "news/kuaidiyuan-yan-jiankang-pucha/", "two characters"),
    ("充电", "stations/gaoxin-shunfeng/", "two characters"),
    ("网格", "guides/wangge-suishoupai/", "two characters, inside 网格员"),
    ("关爱", "guides/xinli-guanai/", "two characters, inside 心理关爱"),
    ("骑手", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/", "two characters, inside 外卖骑手"),
    ("心理", "guides/xinli-guanai/", "two characters"),
    ("助学", "guides/xiwang-gongcheng/", "two characters, inside 子女助学"),
    ("培训", "guides/jineng-tisheng/", "two characters"),
    ("网格员", "guides/wangge-suishoupai/", "three characters"),
    ("眼健康普查", "news/kuaidiyuan-yan-jiankang-pucha/", "longer phrase"),
    ("希望工程", "guides/xiwang-gongcheng/", "longer phrase"),
    ("城市小蜜蜂", "news/rang-chengshi-xiaomifeng-kuaile-feixiang/", "longer phrase"),
    ("马葫芦盖", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/", "longer phrase"),
    ("给手机充电", "stations/gaoxin-shunfeng/", "phrase in a station's notes"),
    ("微波炉", "stations/gaoxin-shunfeng/", "station amenity"),
    ("卫生间", "stations/sample-saertu-1/", "station amenity"),
    ("急救药箱", "stations/sample-lindian-1/", "station amenity"),
    ("萨尔图区 卫生间", "stations/sample-saertu-1/", "district and amenity"),
    ("肇源县 微波炉", "stations/sample-zhaoyuan-1/", "district and amenity"),
    ("杜尔伯特", "stations/sample-duerbote-1/", "district name, part of 杜尔伯特蒙古族自治县"),
    ("高新区", "stations/gaoxin-shunfeng/", "district name"),
    ("顺丰", "stations/gaoxin-shunfeng/", "station name"),
    ("庆小驿 充电", "stations/gaoxin-shunfeng/", "two words"),
]


def wait_for_results(tab) -> str:
    """Wait until the search page has answered; return its status line."""
    tab.wait_for_function(
        "() => { const s = document.getElementById('search-status').textContent; return s && !s.startsWith('正在'); }",
        timeout=20000,
    )
    return tab.text_content("#search-status")


def search(tab, base, query: str, **filters) -> tuple[str, list[str]]:
    params = "&".join(f"{k}={quote(v)}" for k, v in {"q": query, **filters}.items() if v)
    tab.goto(f"{base}search/?{params}")
    status = wait_for_results(tab)
    hrefs = tab.eval_on_selector_all(".result-title a", "links => links.map(a => a.getAttribute('href'))")
    return status, hrefs


@pytest.mark.parametrize("query, expected, kind", QUERIES, ids=[q for q, _, _ in QUERIES])
def test_expected_page_is_in_the_first_three(tab, search_site, query, expected, kind):
    status, hrefs = search(tab, search_site, query)
    assert "/hub/" + expected in hrefs[:3], f"{query} ({kind}): {status} {hrefs[:5]}"
    assert not tab.errors, tab.errors


def test_two_character_word_finds_every_page_that_contains_it(tab, search_site):
    # 骑手 appears inside 外卖骑手 on nine demo pages; a word index that kept
    # 外卖骑手 whole found three of them.
    status, hrefs = search(tab, search_site, "骑手")
    assert status.startswith("找到 9 条")
    assert len(hrefs) == 9


def test_characters_apart_do_not_match_a_phrase(tab, search_site):
    # Nine pages contain both 手 and 骑, none in the order 手骑: a Chinese
    # query matches as a phrase, not as loose characters.
    status, hrefs = search(tab, search_site, "手骑")
    assert hrefs == [] and "没有找到" in status


def test_result_shows_title_type_date_and_highlighted_excerpt(tab, search_site):
    search(tab, search_site, "体检")
    first = tab.locator(".search-result").first
    assert first.locator(".result-title a").inner_text() == "107名快递员在大庆爱尔眼科医院做了眼健康普查"
    assert first.locator(".result-type").inner_text() == "新闻"
    assert "2024年8月19日" in first.locator(".result-meta").inner_text()
    marks = first.locator(".result-excerpt mark").all_inner_texts()
    assert marks and set(marks) == {"体检"}, marks
    # The title is clean text: no zero-width spaces from the index copy.
    assert "\u200b" not in first.inner_text()


def test_filters_narrow_results(tab, search_site):
    _, all_hits = search(tab, search_site, "充电")
    _, in_district = search(tab, search_site, "充电", district="萨尔图区")
    assert len(all_hits) > 2
    assert sorted(in_district) == ["/hub/stations/sample-saertu-1/", "/hub/stations/sample-saertu-2/"]
    _, guides_only = search(tab, search_site, "骑手", type="指南")
    assert guides_only and all(h.startswith("/hub/guides/") for h in guides_only)
    _, with_toilet = search(tab, search_site, "", amenity="卫生间")
    assert len(with_toilet) == 4 and all(h.startswith("/hub/stations/") for h in with_toilet)


def test_choosing_a_filter_searches_again_and_keeps_it_in_the_url(tab, search_site):
    search(tab, search_site, "充电")
    assert tab.locator("select[name=district]").is_hidden()  # folded away on a phone
    tab.click("#search-filters summary")
    tab.select_option("select[name=district]", "龙凤区")
    tab.wait_for_function("() => location.search.includes('district=')")
    wait_for_results(tab)
    hrefs = tab.eval_on_selector_all(".result-title a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/hub/stations/sample-longfeng-1/"]


def test_pages_that_do_not_search_download_nothing_for_it(tab, search_site):
    fetched = []
    tab.on("request", lambda r: fetched.append(r.url))
    for rel in ("", "news/", "stations/gaoxin-shunfeng/", "guides/xinli-guanai/"):
        tab.goto(search_site + rel)
    tab.goto(search_site + "search/")  # the search tab, before a query
    assert not [u for u in fetched if "/pagefind/" in u], fetched
    tab.fill("#search-q", "充电")
    tab.press("#search-q", "Enter")
    wait_for_results(tab)
    assert [u for u in fetched if u.endswith("/pagefind/pagefind.js")]


def test_header_box_searches_from_any_page(tab, search_site):
    tab.goto(search_site + "news/")
    tab.fill("#site-search-q", "网格员")
    tab.press("#site-search-q", "Enter")
    tab.wait_for_url("**/hub/search/?q=*")
    wait_for_results(tab)
    hrefs = tab.eval_on_selector_all(".result-title a", "links => links.map(a => a.getAttribute('href'))")
    assert "/hub/guides/wangge-suishoupai/" in hrefs[:3]
    assert tab.input_value("#search-q") == "网格员"


def test_without_javascript_the_search_page_says_where_to_look(browser, search_site):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(search_site + "news/")
        tab.fill("#site-search-q", "充电")
        tab.press("#site-search-q", "Enter")
        tab.wait_for_url("**/hub/search/?q=*")
        help_box = tab.locator("#search-help")
        assert help_box.is_visible()
        assert "JavaScript" in help_box.inner_text()
        links = help_box.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert links == ["/hub/news/archive/", "/hub/guides/", "/hub/stations/"]
        assert not tab.locator("#search-filters").is_visible()
    finally:
        context.close()


def test_more_results_on_request(tab, search_site):
    status, hrefs = search(tab, search_site, "充电")
    assert status.startswith("找到 13 条") and len(hrefs) == 10
    tab.click("#search-more")
    tab.wait_for_function("() => document.querySelectorAll('.search-result').length === 13")
    assert tab.locator("#search-more").is_hidden()


HAN = "\u3400-\u4dbf\u4e00-\u9fff"


def _page_text(tab, url: str) -> str:
    """The page's text with a newline at each block boundary, as Pagefind splits it."""
    html = tab.request.get(url).text()
    html = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", "", html)
    text = re.sub(r"</?(p|h[1-6]|li|dt|dd|div|section|article|header|footer|figure|figcaption|blockquote|td|th|br)\b[^>]*>", "\n", html)
    return re.sub(r"[ \t]+", "", re.sub(r"<[^>]+>", "", text))


@pytest.mark.parametrize("query", ["快递员", "充电", "体检"])
def test_excerpts_read_as_chinese_and_start_at_a_sentence(tab, search_site, query):
    search(tab, search_site, query)
    results = tab.eval_on_selector_all(
        ".search-result", "items => items.map(i => [i.querySelector('.result-title a').href, i.querySelector('.result-excerpt').textContent])"
    )
    assert results
    for url, excerpt in results:
        # Pagefind joins blocks with ". "; Chinese text gets 。 and no space after its punctuation.
        assert not re.search(rf"[{HAN}”’）]\.", excerpt), excerpt
        assert not re.search(r"[。！？；：，、]\s", excerpt), excerpt
        assert not re.match(r"[”’）】》」』。！？；：，、]", excerpt), excerpt
        if excerpt.startswith("…"):
            continue
        # Otherwise it begins where a sentence or a block of the page begins.
        text = _page_text(tab, url)
        first = re.match(rf"[{HAN}0-9A-Za-z“‘（]+", excerpt)
        assert first, excerpt
        head = first.group(0)[:6]  # up to the first punctuation (ours or the page's)
        start = text.find(head)
        assert start >= 0, (excerpt, url)
        before = text[:start].rstrip("\n")
        assert start == 0 or text[start - 1] == "\n" or before[-1:] in "。！？；”’", (excerpt, text[max(0, start - 20) : start])
