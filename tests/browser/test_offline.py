"""The service worker: with the connection gone, the station directory, the
finder's data and the pages read before still open. It is an extra: the
site must work the same where there is none (iOS WeChat), which the other
browser tests show by never waiting for it."""

from __future__ import annotations

ARTICLE = "news/kuaidi-xiaoge-jianzhi-wanggeyuan/"


def test_directory_its_data_and_pages_read_before_open_offline(demo_site, browser):
    # A context without request routing: Playwright's routing bypasses service workers.
    context = browser.new_context(viewport={"width": 375, "height": 800}, service_workers="allow")
    try:
        page = context.new_page()
        page.goto(demo_site.url)
        assert page.evaluate("() => navigator.serviceWorker.ready.then(() => true)"), "the worker must install"
        page.goto(demo_site.url + ARTICLE)  # now controlled: this page is remembered
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        title = page.locator("main h1").inner_text()
        stored = "url => caches.open('fengchao-pages').then(c => c.match(url)).then(r => !!r)"
        for _ in range(50):  # the copy is stored just after the response
            if page.evaluate(stored, demo_site.url + ARTICLE):
                break
            page.wait_for_timeout(100)
        assert page.evaluate(stored, demo_site.url + ARTICLE), "the page read must be kept"

        context.set_offline(True)
        page.goto(demo_site.url + "stations/")
        assert page.locator("main h1").inner_text(), "the directory must open offline"
        assert page.locator("main a[href*='/stations/gaoxin-shunfeng/']").count() >= 1
        data = page.evaluate("fetch('stations.json').then(r => r.json())")
        assert len(data["stations"]) == len(demo_site.stations)
        page.goto(demo_site.url + ARTICLE)
        assert page.locator("main h1").inner_text() == title, "a page read before must open offline"
        # A page never read falls back to the directory rather than the browser's error page.
        page.goto(demo_site.url + "guides/jineng-tisheng/")
        assert page.locator("main a[href*='/stations/gaoxin-shunfeng/']").count() >= 1
    finally:
        context.close()
