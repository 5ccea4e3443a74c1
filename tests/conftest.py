"""Shared test helpers: small sites made in a temp folder from a dict of files
(MkDocs' `@tempdir(files=...)` idea), and a way to run the CLI in-process."""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from fengchao.cli import main

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"  # a sibling folder some machines have; tests use it only in addition
FIXTURES = REPO / "tests" / "fixtures"
THEME = REPO / "fengchao" / "theme"  # the default theme, shipped in the package

MINIMAL_STATION = """\
- id: test-1
  name: 测试站点一
  district: 萨尔图区
  address: 测试路1号
  location: {lat: 46.60, lng: 125.02}
  amenities: [seating, drinking_water]
"""

MINIMAL_ARTICLE = """\
---
title: 测试新闻
date: 2024-08-19
tags: [快递小哥]
category: 关爱行动
---

正文第一段。
"""

MINIMAL_GUIDE = """\
---
title: 测试指南
topic: 补助申请
---

## 怎么申请

请咨询市关工委。
"""


def free_port(ports: range) -> int:
    """The first port in `ports` free on 127.0.0.1. Each suite that runs a
    server has its own range, so parallel runs on one machine don't collide."""
    for port in ports:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {ports.start}–{ports.stop - 1}")


@contextlib.contextmanager
def running_preview(root: Path, port: int, cache: Path):
    """`fengchao serve` on `port` in a subprocess (its build cache in
    `cache`), once it answers; stopped afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fengchao", "--root", str(root), "serve", "--port", str(port)],
        env=dict(os.environ, FENGCHAO_CACHE_DIR=str(cache)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read()
            try:  # http.client, not urllib: no proxy from the environment in between
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert time.monotonic() < deadline, "the preview server did not start"
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@dataclass
class Site:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def out(self) -> Path:
        return self.root / "site"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def snapshot(self) -> dict[str, str]:
        """Every output file's hash, to prove a failed build changed nothing."""
        if not self.out.exists():
            return {}
        return {p.relative_to(self.out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(self.out.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def _private_build_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own build cache, so no test is helped (or fooled) by another's.
    (Outside tmp_path: some tests check that nothing else appears there.)"""
    monkeypatch.setenv("FENGCHAO_CACHE_DIR", str(tmp_path_factory.mktemp("fengchao-cache")))


def copy_theme(root: Path, ignore=None) -> None:
    """The packaged theme copied into a project as its own templates/ and
    assets/ (its overrides, so a test can edit them), with the hub's own
    assets over it: the project renders as the demo does."""
    shutil.copytree(THEME / "templates", root / "templates")
    shutil.copytree(THEME / "assets", root / "assets")
    shutil.copytree(REPO / "assets", root / "assets", dirs_exist_ok=True, ignore=ignore)


@pytest.fixture
def make_site(tmp_path):
    """make_site({"news/a.md": "...", ...}) → a project using the real
    site.yaml, templates and assets, with exactly the given content."""

    def factory(files: dict[str, str | bytes] | None = None, *, config: str | None = None, editor: bool = False) -> Site:
        root = tmp_path / "project"
        root.mkdir()
        # The web editor's 6.5 MB bundle (the hub's assets/) only where a test publishes the editor.
        copy_theme(root, ignore=None if editor else shutil.ignore_patterns("decap-cms"))
        (root / "site.yaml").write_text(config or (REPO / "site.yaml").read_text(encoding="utf-8"), encoding="utf-8")
        site = Site(root)
        site.content.mkdir()
        for rel, text in (files or {}).items():
            site.write(rel, text)
        return site

    return factory


@pytest.fixture
def cli(capsys):
    def run(*args: str) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def build(cli):
    """build(site, *extra) runs `fengchao --root SITE build ...`."""

    def run(site: Site, *extra: str) -> CliResult:
        return cli("--root", site.root, "build", *extra)

    return run


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run, driven by Playwright's sync API.

    Shared by every browser test: the sync API owns an event loop in the main
    thread, so a second `sync_playwright()` in the same process would fail.
    Skips, saying why, where Debian's chromium or playwright is missing;
    .ci/run installs Chromium, so CI runs these tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium) to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()
