"""Browser tests: the demo site built into a temp folder, served on
127.0.0.1 with the strict Content-Security-Policy the site must live under,
and driven by Playwright through Debian's Chromium (never `playwright install`).

They skip, saying why, when /usr/bin/chromium or the playwright package is
missing; .ci/run installs Chromium so CI runs them.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from dataclasses import dataclass, field
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
    def __init__(self, *args, sent: list | None = None, **kwargs):
        self.sent = sent  # set before the base class handles the request
        super().__init__(*args, **kwargs)

    def copyfile(self, source, outputfile):
        # Every body the server sends, by path: what a rider's data plan pays,
        # whoever asked for it (the page, its lazy images, the service worker).
        data = source.read()
        outputfile.write(data)
        if self.sent is not None:
            self.sent.append((self.path, len(data)))

    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):  # keep pytest's output clean
        pass


@dataclass(frozen=True)
class DemoSite:
    root: Path  # the built site
    url: str  # http://127.0.0.1:PORT/
    sent: list = field(default_factory=list, compare=False)  # (path, body bytes) the server sent

    @functools.cached_property
    def stations(self) -> list[dict]:
        return json.loads((self.root / "stations/stations.json").read_text(encoding="utf-8"))["stations"]


@contextlib.contextmanager
def served(root: Path, out: Path):
    """The project at `root` built into `out` with a base URL that matches
    the server's port, and served there (with the site's CSP)."""
    # Bind first (port 0: any free port) so the build can know the URL.
    sent: list = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(out), sent=sent))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    code = main(["--root", str(root), "build", "--out", str(out), "--base-url", url])
    assert code == 0, f"{root} must build"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield DemoSite(out, url, sent)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> DemoSite:
    """The demo site, built with a base URL that matches the server's port."""
    with served(REPO, tmp_path_factory.mktemp("browser") / "site") as site:
        yield site


@dataclass(frozen=True)
class PhotoSite:
    site: DemoSite
    photos: dict[str, bytes]  # the sources, by file name: never to be published


@pytest.fixture(scope="session")
def photo_site(tmp_path_factory) -> PhotoSite:
    """bench/photo_article.py's project: one article with three 12-megapixel
    phone photos (EXIF and GPS written), built and served."""
    from bench.photo_article import write_project

    root = tmp_path_factory.mktemp("photos")
    photos = write_project(root / "project")
    with served(root / "project", root / "site") as site:
        yield PhotoSite(site, photos)


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
