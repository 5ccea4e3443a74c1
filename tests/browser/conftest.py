"""Browser tests: the demo site built into a temp folder, served on
127.0.0.1 with the strict Content-Security-Policy the site must live under,
and driven by Playwright through Debian's Chromium (never `playwright install`).

They skip, saying why, when /usr/bin/chromium or the playwright package is
missing; .ci/run installs Chromium so CI runs them.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fengchao.cli import main

REPO = Path(__file__).resolve().parents[2]

# `browser` (one Chromium for the run) lives in tests/conftest.py.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'"
)


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):  # keep pytest's output clean
        pass


@dataclass(frozen=True)
class DemoSite:
    root: Path  # the built site
    url: str  # http://127.0.0.1:PORT/

    @functools.cached_property
    def stations(self) -> list[dict]:
        return json.loads((self.root / "stations/stations.json").read_text(encoding="utf-8"))["stations"]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> DemoSite:
    """The demo site, built with a base URL that matches the server's port."""
    out = tmp_path_factory.mktemp("browser") / "site"
    # Bind first (port 0: any free port) so the build can know the URL.
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(out)))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    code = main(["--root", str(REPO), "build", "--out", str(out), "--base-url", url])
    assert code == 0, "the demo site must build"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield DemoSite(out, url)
    server.shutdown()
    server.server_close()


@dataclass
class Tab:
    """A page plus what the console said (CSP violations show up there)."""

    page: object
    console: list[str]

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@pytest.fixture
def open_tab(browser):
    """open_tab(**context_options) → Tab; map tiles are refused, as on a
    weak connection, so the tests never reach the internet."""
    contexts = []

    def factory(**options) -> Tab:
        context = browser.new_context(**{"viewport": {"width": 375, "height": 800}, **options})
        contexts.append(context)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:") else route.abort())
        page = context.new_page()
        tab = Tab(page, [])
        page.on("console", lambda msg: tab.console.append(msg.text))
        return tab

    yield factory
    for context in contexts:
        context.close()
