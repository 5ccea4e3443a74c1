"""The preview answers only requests addressed to it: a page on another
site that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) gets 403,
not the drafts. Tested against the real `fengchao serve` in a subprocess."""

from __future__ import annotations

import base64
import http.client
import os

import pytest

from conftest import free_port, running_preview
from fengchao.serve.host_guard import host_allowed, origin_allowed

PORTS = range(8600, 8700)


def request(port: int, path: str, headers: dict[str, str], method: str = "GET") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def preview(tmp_path_factory):

    from conftest import REPO, copy_theme

    root = tmp_path_factory.mktemp("preview") / "project"
    root.mkdir()
    copy_theme(root)
    (root / "site.yaml").write_text((REPO / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (root / "content/news").mkdir(parents=True)
    (root / "content/news/secret.md").write_text("---\ntitle: 未发布的草稿\ndate: 2024-08-19\ndraft: true\n---\n\n机密正文\n", encoding="utf-8")
    port = free_port(PORTS)
    with running_preview(root, port, root.parent / "cache"):
        yield port


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}", "app.localhost:{port}", "192.168.1.20:{port}"]
)
def test_the_preview_answers_its_own_addresses(preview, host):
    status, body = request(preview, "/news/secret/", {"Host": host.format(port=preview)})
    assert status == 200 and "机密正文".encode() in body


@pytest.mark.parametrize(
    "host",
    [
        "rebind.attacker.example:{port}",
        "rebind.attacker.example",
        "127.0.0.1.nip.io:{port}",
        "localhost.attacker.example:{port}",
        "",
        "evil@127.0.0.1:{port}",
    ],
)
def test_a_rebound_host_gets_403_not_the_drafts(preview, host):
    headers = {"Host": host.format(port=preview)} if host else {}
    for path in ("/news/secret/", "/", "/livereload.js", "/forcereload", "/_fengchao/status.json"):
        status, body = request(preview, path, headers)
        assert status in (400, 403) if not host or "@" in host else status == 403, (path, status)
        assert "机密正文".encode() not in body and "未发布的草稿".encode() not in body


def test_a_request_from_another_sites_page_gets_403(preview):
    status, body = request(preview, "/news/secret/", {"Host": f"127.0.0.1:{preview}", "Origin": "https://rebind.attacker.example"})
    assert status == 403 and "机密正文".encode() not in body
    status, _ = request(preview, "/news/secret/", {"Host": f"127.0.0.1:{preview}", "Origin": f"http://localhost:{preview}"})
    assert status == 200


@pytest.mark.parametrize("origin, expected", [("https://rebind.attacker.example", 403), ("http://localhost:{port}", 101)])
def test_the_live_reload_socket_checks_host_and_origin(preview, origin, expected):
    key = base64.b64encode(os.urandom(16)).decode()
    headers = {
        "Host": f"127.0.0.1:{preview}",
        "Origin": origin.format(port=preview),
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": key,
        "Sec-WebSocket-Version": "13",
    }
    status, _ = request(preview, "/livereload", headers)
    assert status == expected


def test_host_rule_units():
    assert host_allowed("127.0.0.1:8000", "127.0.0.1") and host_allowed("[::1]:80", "127.0.0.1")
    assert host_allowed("preview.lan:8000", "preview.lan") and not host_allowed("preview.lan:8000", "127.0.0.1")
    assert not host_allowed("127.0.0.1:notaport", "127.0.0.1") and not host_allowed(None, "127.0.0.1")
    assert origin_allowed(None, "127.0.0.1") and not origin_allowed("null", "127.0.0.1")
