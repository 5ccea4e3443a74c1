"""The demo site in a real browser under the policy from `_headers`.

The HTML scan (test_security_html.py) finds inline scripts, styles and
handlers; this test shows the policy itself holds: Chromium loads pages with
the exact `Content-Security-Policy` header a host would send, and reports no
violation (a blocked stylesheet, script, image or font would be one), and the
stylesheet really applies.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import REPO, free_port
from fengchao.cli import main

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed at /usr/bin/chromium (.ci/run installs it)")


def headers_for(out: Path) -> dict[str, str]:
    """The `/*` block of the built `_headers` file."""
    headers, inside = {}, False
    for line in (out / "_headers").read_text(encoding="utf-8").splitlines():
        if line.startswith("/"):
            inside = line.strip() == "/*"
        elif inside and line.startswith("  ") and ":" in line:
            name, value = line.strip().split(":", 1)
            headers[name] = value.strip()
    return headers


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("csp") / "site"
    port = free_port(range(8700, 8800))
    assert main(["--root", str(REPO), "build", "--out", str(out), "--base-url", f"http://127.0.0.1:{port}/"]) == 0
    extra = headers_for(out)
    assert "Content-Security-Policy" in extra

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in extra.items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


PAGES = ["", "news/", "stations/", "guides/", "about/", "404.html"]


def test_pages_load_with_no_policy_violation(site_url, browser):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        console = []
        page.on("console", lambda msg: console.append(msg.text))
        for rel in PAGES:
            response = page.goto(site_url + rel, wait_until="load")
            assert response is not None and response.status in (200, 404), rel
            assert "script-src 'self'" in response.headers.get("content-security-policy", "")
            violations = page.evaluate("window.__csp")
            assert violations == [], (rel, violations)
            # The external stylesheet applied (a blocked one leaves the browser's default font).
            family = page.evaluate("getComputedStyle(document.body).fontFamily")
            assert family.startswith("system-ui"), (rel, family)
        assert not [m for m in console if "Content Security Policy" in m], console
    finally:
        page.close()


def test_an_inline_script_would_be_caught(site_url, browser):
    """The check above can fail: an inline handler on a served page is reported."""
    page = browser.new_page()
    try:
        page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));")
        page.goto(site_url, wait_until="load")
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.__ran=1\">')")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__ran") is None
        assert any(v.startswith("script-src") for v in page.evaluate("window.__csp"))
    finally:
        page.close()
