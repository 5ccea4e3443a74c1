"""The preview server (`fengchao serve`) serves the preview build, held in
memory, and nothing else: not `..` (plain or percent-encoded), not absolute
paths, not what a symlink in content/ points at, not dot-files; it writes
nothing to disk and listens on loopback unless told otherwise. Tested
against the real command in a subprocess."""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path

import pytest

from conftest import free_port, running_preview
from fengchao.serve.watch import is_servable

PORTS = range(8700, 8800)


def get(port: int, raw_path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (no client-side normalising)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", raw_path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port` (Linux /proc)."""
    found = set()
    for table, _width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                found.add(address)
    return found


@pytest.fixture
def server(make_site, tmp_path):
    site = make_site(
        {
            "news/a.md": "---\ntitle: 预览\ndate: 2024-08-19\n---\n\n正文\n",
            "files/p.pdf": "PDF",
        }
    )
    cache = tmp_path / "cache"
    secret = cache / "secret.txt"  # beside the preview folder
    cache.mkdir()
    secret.write_text("TOP SECRET", encoding="utf-8")
    port = free_port(PORTS)
    with running_preview(site.root, port, cache):
        yield {"port": port, "secret": secret, "site": site}


def test_serves_the_preview(server):
    status, body = get(server["port"], "/news/a/")
    assert status == 200 and "预览".encode() in body
    # Live reload still works: the page carries the reload script.
    assert b"livereload.js" in body
    conn = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    conn.request("GET", "/")
    response = conn.getresponse()
    response.read()
    conn.close()
    # The site's policy, reported (not enforced, so livereload's inline script runs).
    assert "script-src 'self'" in response.getheader("Content-Security-Policy-Report-Only", "")
    assert response.getheader("X-Content-Type-Options") == "nosniff"


TRAVERSALS = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/news/../../secret.txt",
    "/..%2f..%2fsecret.txt",
    "/..\\secret.txt",
    "//etc/passwd",
    "/%2fetc%2fpasswd",
    "/etc/passwd",
]


def test_nothing_outside_the_preview_folder(server):
    # One server for every path: starting one costs a build.
    for path in TRAVERSALS:
        status, body = get(server["port"], path)
        assert status in (400, 403, 404), (path, status)
        assert b"TOP SECRET" not in body and b"root:" not in body, path


def wait_for_generation(port: int, after: int) -> None:
    import json

    deadline = time.monotonic() + 60
    while json.loads(get(port, "/_fengchao/status.json")[1])["generation"] <= after:
        assert time.monotonic() < deadline, "no rebuild"
        time.sleep(0.05)


def generation(port: int) -> int:
    import json

    return json.loads(get(port, "/_fengchao/status.json")[1])["generation"]


def test_symlinks_out_of_content_are_not_followed(server):
    port, content = server["port"], server["site"].content
    # A copied static file, served from its source file.
    assert get(port, "/files/p.pdf") == (200, b"PDF")
    before = generation(port)
    os.symlink(server["secret"], content / "link.txt")
    os.symlink(server["secret"].parent, content / "linkdir")
    wait_for_generation(port, before)
    for path in ["/link.txt", "/linkdir/secret.txt"]:
        status, body = get(port, path)
        assert status == 404 and b"TOP SECRET" not in body, (path, status)
    # The build refused them, and says so over every page.
    assert "符号链接指向内容文件夹之外" in get(port, "/news/a/")[1].decode()
    # A served file swapped for a symlink between builds is not followed either.
    served = content / "files" / "p.pdf"
    served.unlink()
    os.symlink(server["secret"], served)
    status, body = get(port, "/files/p.pdf")
    assert status == 404 and b"TOP SECRET" not in body


def test_no_dot_files(server):
    content = server["site"].content
    (content / ".env").write_text("PASSWORD=x", encoding="utf-8")
    (content / ".git").mkdir()
    (content / ".git" / "config").write_text("[core]", encoding="utf-8")
    for path in ["/.fengchao-output", "/.env", "/.git/config", "/%2eenv", "/news/../.env", "/..%5c.env"]:
        status, body = get(server["port"], path)
        assert status == 404, (path, status)
        assert b"PASSWORD" not in body and b"[core]" not in body


def test_writes_nothing_to_disk(server):
    """Drafts are in the preview: no folder of it may end up deployable."""
    cache = server["secret"].parent
    assert sorted(p.name for p in cache.iterdir()) == ["secret.txt"]
    assert not (server["site"].root / "site").exists() and not (server["site"].root / ".cache").exists()


def test_binds_to_loopback_by_default(server):
    addresses = listening_addresses(server["port"])
    assert addresses, "no listening socket found"
    loopback = {"0100007F", "00000000000000000000000001000000"}
    assert addresses <= loopback, addresses


def test_is_servable_units(tmp_path):
    root = tmp_path / "preview"
    (root / "a").mkdir(parents=True)
    (root / "a" / "x.html").write_text("x")
    (tmp_path / "outside.txt").write_text("o")
    os.symlink(tmp_path / "outside.txt", root / "out.txt")
    os.symlink(root / "a" / "x.html", root / "in.html")
    assert is_servable(root, root / "a" / "x.html")
    assert is_servable(root, root / "in.html")  # a link that stays inside is fine
    assert not is_servable(root, root / "out.txt")
    assert not is_servable(root, root / ".." / "outside.txt")
    assert not is_servable(root, tmp_path / "outside.txt")
    assert not is_servable(root, root / ".hidden")
    assert not is_servable(root, root / "a" / ".git" / "config")
