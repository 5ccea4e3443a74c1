"""README screenshots from the real build: the home page, an article and
the station finder (with its nearest-station results), at phone width.

    python -m bench.screenshots [--port 8811]

Builds the demo site into a temp folder, serves it on 127.0.0.1 and drives
Debian's Chromium through Playwright (never `playwright install`); writes
docs/img/{home,article,finder}-375.png. Map tiles are refused (no internet
needed), so the finder is shown as a rider on a weak connection sees it."""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fengchao.cli import main as fengchao

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs/img"
SHOTS = [("home", ""), ("article", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/"), ("finder", "stations/")]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8811)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        url = f"http://127.0.0.1:{args.port}/"
        server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(Quiet, directory=str(site)))
        if fengchao(["--root", str(REPO), "build", "--out", str(site), "--base-url", url]) != 0:
            return 1
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
                )
                context = browser.new_context(
                    viewport={"width": 375, "height": 812},
                    device_scale_factor=1,
                    geolocation={"latitude": 46.58, "longitude": 125.15},
                    permissions=["geolocation"],
                )
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
                page = context.new_page()
                for name, path in SHOTS:
                    page.goto(url + path)
                    if name == "finder":
                        page.click("#finder-locate")
                        page.wait_for_selector("#finder-results li")
                        page.locator("#finder").scroll_into_view_if_needed()
                    target = OUT / f"{name}-375.png"
                    page.screenshot(path=str(target))
                    print(f"{target.relative_to(REPO)}: {target.stat().st_size} bytes")
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
