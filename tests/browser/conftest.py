"""Browser fixtures: the demo site built into a temp folder under a sub-path
(/hub/), served on 127.0.0.1 with the Content-Security-Policy the site is
meant to run under, and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium (or the playwright package) these tests skip with
the reason; .ci/run installs chromium, so CI runs them.
"""
from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The policy the site is deployed with: scripts and styles only from our own
# files. Pagefind compiles WebAssembly, which `script-src 'self'` alone
# forbids; 'wasm-unsafe-eval' allows exactly that and not JS eval().
CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:"
# Ports for this suite's server: a fixed range, so parallel work on one
# machine doesn't collide (override with FENGCHAO_TEST_PORTS=8500-8599).
PORTS = os.environ.get("FENGCHAO_TEST_PORTS", "8500-8599")


def _free_port() -> int:
    low, high = (int(p) for p in PORTS.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS} for the test server")


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (pip install -e '.[test]')")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """Build the demo under /hub/ and serve it; yields the site's base URL."""
    root = tmp_path_factory.mktemp("www")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/hub/"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")  # 2026-01-01: every demo article is published
    proc = subprocess.run(
        [sys.executable, "-m", "fengchao", "--root", str(REPO), "build", "--out", str(root / "hub"), "--base-url", base],
        env=env, capture_output=True, text=True, timeout=300,
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
def page(chromium):
    """A fresh page that records console errors and CSP violations."""
    context = chromium.new_context(viewport={"width": 375, "height": 800}, locale="zh-CN")
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()

