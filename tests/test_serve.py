"""`fengchao serve` as an editor uses it: a real server on a free port, real
file edits, the browser's reload signal over livereload's websocket."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_STATION, REPO, free_port

PORTS = range(8440, 8500)  # this project's test range


def run_async(coro):
    """asyncio.run in a fresh thread: the browser tests' Playwright (sync API)
    keeps an event loop running in the main thread for the whole session."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


TIMEOUT = 60  # a loaded CI machine can be slow; nothing here is timed


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", errors="replace")


class Preview:
    def __init__(self, root, tmp_path):
        self.port = free_port(PORTS)
        self.base = f"http://127.0.0.1:{self.port}/"
        env = dict(os.environ, FENGCHAO_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "fengchao", "--root", str(root), "serve", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(self.proc.stdout.read().decode())
            try:
                if get(self.base + "_fengchao/status.json")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail("preview did not start")

    def status(self) -> dict:
        return json.loads(get(self.base + "_fengchao/status.json")[1])

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def preview(make_site, tmp_path):
    site = make_site({"news/a.md": MINIMAL_ARTICLE, "stations/s.yaml": MINIMAL_STATION})
    server = Preview(site.root, tmp_path)
    yield site, server
    server.stop()


async def edit_and_wait_for_reload(server: Preview, edit) -> dict:
    """Connect as livereload.js does, make the edit, return the reload message."""
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
    ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await ws.read_message())["command"] == "hello"
    ws.write_message(json.dumps({"command": "info", "url": server.base}))
    # The server handles one connection's messages in order: a reply to a
    # second hello means our info was handled and we are a reload waiter.
    ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    assert json.loads(await ws.read_message())["command"] == "hello"
    edit()
    message = json.loads(await asyncio.wait_for(ws.read_message(), TIMEOUT))
    ws.close()
    return message


def test_edit_break_fix_and_template_change(preview):
    site, server = preview
    article = site.content / "news/a.md"
    page = get(server.base + "news/a/")[1]
    assert "正文第一段" in page and "草稿：" not in page

    # 1. An edit is rebuilt and the browser told to reload.
    message = run_async(
        edit_and_wait_for_reload(server, lambda: article.write_text(MINIMAL_ARTICLE.replace("正文第一段", "修改后的正文"), encoding="utf-8"))
    )
    assert message["command"] == "reload"
    page = get(server.base + "news/a/")[1]
    assert "修改后的正文" in page and "fengchao-overlay" not in page

    # 2. A broken file: every page carries the error; the last good output stays.
    broken = MINIMAL_ARTICLE.replace("title: 测试新闻", 'title: "测试新闻').replace("正文第一段", "坏掉的版本")
    run_async(edit_and_wait_for_reload(server, lambda: article.write_text(broken, encoding="utf-8")))
    for path in ("news/a/", "", "stations/"):
        page = get(server.base + path)[1]
        assert 'id="fengchao-overlay"' in page, path
        assert "content/news/a.md:2: YAML 语法错误：这一行的引号没有结束" in page
    page = get(server.base + "news/a/")[1]
    assert "修改后的正文" in page and "坏掉的版本" not in page
    assert page.index('id="fengchao-overlay"') > page.index("<body")
    code, css = get(server.base + "_fengchao/overlay.css")
    assert code == 200 and ".fc-overlay" in css
    assert server.status()["problems"] == ["content/news/a.md:2: YAML 语法错误：这一行的引号没有结束。请补上配对的引号（\" 或 '）"]

    # 3. Fixed: the overlay goes.
    run_async(edit_and_wait_for_reload(server, lambda: article.write_text(MINIMAL_ARTICLE.replace("正文第一段", "改好了"), encoding="utf-8")))
    page = get(server.base + "news/a/")[1]
    assert "改好了" in page and "fengchao-overlay" not in page
    assert server.status()["problems"] == []

    # 4. A draft is shown in the preview, with the banner saying it is not public.
    run_async(
        edit_and_wait_for_reload(
            server, lambda: article.write_text(MINIMAL_ARTICLE.replace("date: 2024-08-19", "date: 2024-08-19\ndraft: true"), encoding="utf-8")
        )
    )
    assert "草稿：本文尚未公开发布，只在预览中可见。" in get(server.base + "news/a/")[1]

    # 5. A template change reaches the pages that use it.
    base = site.root / "templates" / "base.html"
    text = base.read_text(encoding="utf-8")
    run_async(edit_and_wait_for_reload(server, lambda: base.write_text(text.replace("</body>", "<p>模板改动标记</p></body>"), encoding="utf-8")))
    for path in ("news/a/", "", "stations/test-1/"):
        assert "模板改动标记" in get(server.base + path)[1], path


def test_a_burst_of_saves_is_one_rebuild(preview):
    site, server = preview
    article = site.content / "news/a.md"
    before = server.status()["generation"]

    def burst():
        for n in range(5):  # back to back, well inside the 100 ms quiet window
            article.write_text(MINIMAL_ARTICLE.replace("正文第一段", f"第 {n} 次保存"), encoding="utf-8")

    run_async(edit_and_wait_for_reload(server, burst))
    time.sleep(1)  # any second rebuild would have started by now
    assert server.status()["generation"] == before + 1
    assert "第 4 次保存" in get(server.base + "news/a/")[1]


def test_a_first_build_that_fails_shows_its_errors_instead_of_a_bare_404(make_site, tmp_path):
    broken = MINIMAL_ARTICLE.replace("title: 测试新闻", 'title: "测试新闻')
    site = make_site({"news/a.md": broken, "stations/s.yaml": MINIMAL_STATION})
    server = Preview(site.root, tmp_path)
    try:
        code, page = get(server.base)
        assert code == 404
        assert 'id="fengchao-overlay"' in page and "content/news/a.md:2: YAML 语法错误" in page
        # Fixed: the site appears and the overlay is gone.
        run_async(edit_and_wait_for_reload(server, lambda: (site.content / "news/a.md").write_text(MINIMAL_ARTICLE, encoding="utf-8")))
        code, page = get(server.base + "news/a/")
        assert code == 200 and "正文第一段" in page and "fengchao-overlay" not in page
    finally:
        server.stop()
