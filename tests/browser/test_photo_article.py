"""Issue 17's targets, measured in Chromium: an article with three
12-megapixel phone photos (bench/photo_article.py), opened on a phone (375
CSS px, 2 device pixels per CSS pixel) and scrolled to the end so every lazy
image loads, costs a rider on a small data plan at most 250 KB, never moves
under their thumb, and shows each photo sharp from a processed copy, never
the 5 MB original with its GPS position."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

from bench.photo_article import PATH, PHOTOS
from tests import imagefiles

BUDGET = 250 * 1024
PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
# A processed rendition's name (fengchao/images/results.py: Processed.file_name):
# the source's stem, ten hex digits of its key, the width, the format.
RENDITION = re.compile(r"/images/([a-z-]+)\.[0-9a-f]{10}\.(\d+)\.(webp|jpg)$")

START_SHIFTS = """() => {
  window.__shift = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) window.__shift += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
}"""

SCROLL_TO_END = """async () => {
  const pause = ms => new Promise(r => setTimeout(r, ms));
  while (window.scrollY + innerHeight < document.documentElement.scrollHeight - 1) {
    window.scrollBy(0, innerHeight / 2);
    await pause(150);
  }
  await Promise.all([...document.images].map(img => img.decode().catch(() => null)));
  await pause(300);
}"""

SERVICE_WORKER_READY = """() => Promise.race([
  navigator.serviceWorker.ready.then(() => true),
  new Promise(resolve => setTimeout(() => resolve(false), 10000)),
])"""


@pytest.fixture(scope="module")
def visit(photo_site, browser):
    """The article opened on a phone, scrolled to the end: every response
    (url, content type, body) and what the page measured. No request
    routing: Playwright turns the HTTP cache off for a routed context, and a
    rider's browser has one (the service worker's copies of files the page
    just loaded come from it)."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    photo_site.site.sent.clear()
    page.goto(photo_site.site.url + PATH, wait_until="load")
    page.evaluate(START_SHIFTS)
    page.evaluate(SCROLL_TO_END)
    # The service worker's first install fetches its offline copies: the
    # rider pays for those too, so they are waited for and counted.
    assert page.evaluate(SERVICE_WORKER_READY), "the service worker should install (127.0.0.1 is a secure context)"
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)
    sent = list(photo_site.site.sent)
    assert all(r.url.startswith(photo_site.site.url) for r in responses), "the article must need nothing from elsewhere"
    bodies = [(r.url, r.response().headers.get("content-type", ""), r.response().body()) for r in responses]
    images = page.evaluate(
        """() => [...document.querySelectorAll('main img')].map(img => ({
            src: img.currentSrc, natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
            width: img.getAttribute('width'), height: img.getAttribute('height'),
            loading: img.getAttribute('loading'), fetchpriority: img.getAttribute('fetchpriority'), complete: img.complete}))"""
    )
    yield {"sent": sent, "bodies": bodies, "shift": page.evaluate("window.__shift"), "images": images, "console": console}
    context.close()


def test_the_whole_article_with_three_photos_costs_at_most_250_kb(visit):
    # Counted where the bytes leave: every body the server sent for the visit.
    sent = visit["sent"]
    total = sum(size for _, size in sent)
    listing = "\n".join(f"{size:>8} {path}" for path, size in sent)
    assert total <= BUDGET, f"{total / 1024:.1f} KB transferred:\n{listing}"
    # Everything the page itself asked for is in it (uncompressed: the test server does not gzip).
    assert sum(len(body) for _, _, body in visit["bodies"]) <= total
    # It is the whole page that was measured: the HTML, its stylesheet and all three photos.
    bodies = visit["bodies"]
    kinds = {kind.split(";")[0] for _, kind, _ in bodies}
    assert {"text/html", "text/css"} <= kinds
    assert {RENDITION.search(unquote(urlsplit(url).path)).group(1) for url, kind, _ in bodies if kind.startswith("image/") and "/images/" in url} == {
        name.removesuffix(".jpg") for name in PHOTOS
    }


def test_every_photo_is_a_sharp_processed_copy_never_the_original(visit, photo_site):
    originals = set(photo_site.photos.values())
    pictures = [(url, body) for url, kind, body in visit["bodies"] if "/images/" in url]
    assert len(pictures) == 3, [url for url, _ in pictures]
    for url, body in pictures:
        path = unquote(urlsplit(url).path)
        assert RENDITION.search(path), f"{path} is not a processed rendition"
        assert not any(path.endswith("/" + name) for name in PHOTOS)
        assert body not in originals
        assert imagefiles.metadata_blocks(body) == [], f"{path} carries metadata"
        assert body[:4] == b"RIFF", f"{path}: Chromium takes WebP, so it should get WebP"
    for image in visit["images"]:
        assert image["complete"] and image["natural"] > 0, image
        # Sharp on this screen: the file chosen has at least as many pixels
        # as the phone shows it with (naturalWidth is in CSS px for a srcset
        # image, so the file's width is read from its name).
        width = int(RENDITION.search(unquote(urlsplit(image["src"]).path)).group(2))
        assert width >= 2 * image["shown"], image


def test_the_page_never_shifts_while_photos_load(visit):
    assert visit["shift"] == 0


def test_the_first_photo_is_fetched_first_and_the_rest_when_needed(visit):
    images = visit["images"]
    assert len(images) == 3
    assert all(image["width"] and image["height"] for image in images)
    assert images[0]["fetchpriority"] == "high" and images[0]["loading"] is None
    assert [image["loading"] for image in images[1:]] == ["lazy", "lazy"]
    assert [m for m in visit["console"] if "Content Security Policy" in m] == []
