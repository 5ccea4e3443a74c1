"""The web editor at /admin/ as an editor uses it (docs/cms.md).

A copy of the demo project, made a Git repository, is edited through Decap
CMS in Chromium: the CMS talks to decap-server (npm, installed by `npm ci`
from the lock file; its git mode keeps drafts on branches and publishing
merges them, as a pull request would), started here on a free loopback port.
An article with a photo and a station are written through the forms, sent
through the editorial workflow and published; the files must land in
content/ with the front matter fengchao reads, and `fengchao check` and
`fengchao build` must accept and publish them. The admin page is served with
the exact policy `_headers` gives /admin/, so the CMS is shown to work under it.

FENGCHAO_CMS_SHOTS=DIR keeps the screenshots (docs/img/ has two of them).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from fengchao.cli import main

REPO = Path(__file__).resolve().parents[2]
SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
pytestmark = [
    pytest.mark.skipif(not SERVER.is_file(), reason="decap-server is missing: run `npm ci --omit=optional` (.ci/run does)"),
    pytest.mark.skipif(not shutil.which("node") or not shutil.which("git"), reason="node and git are needed (.ci/run installs node)"),
]

TITLE = "冬天骑手有地方取暖了"
STATION_ID = "ranghulu-wanda"


def png(width: int = 1280, height: int = 720) -> bytes:
    """A small real PNG (an orange block), made here: no image library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xf0\x80\x20" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def policy_for(out: Path, rule: str) -> str:
    """The Content-Security-Policy `_headers` gives `rule` (e.g. "/admin/*")."""
    lines = (out / "_headers").read_text(encoding="utf-8").splitlines()
    start = lines.index(rule)
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if line.strip().startswith("Content-Security-Policy:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no policy for {rule}")


def git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=编辑部", "-c", "user.email=editor@example.org", *args], cwd=project, check=True, capture_output=True, text=True
    ).stdout


@dataclass
class Editor:
    project: Path
    out: Path
    url: str  # the built site, e.g. http://127.0.0.1:PORT/

    def build(self) -> int:
        """A build as CI's would be: with the build cache of the builds before it."""
        before = os.environ.get("FENGCHAO_CACHE_DIR")
        os.environ["FENGCHAO_CACHE_DIR"] = str(self.out.parent / "cache")
        try:
            return main(["--root", str(self.project), "build", "--out", str(self.out), "--base-url", self.url])
        finally:
            if before is None:
                del os.environ["FENGCHAO_CACHE_DIR"]
            else:
                os.environ["FENGCHAO_CACHE_DIR"] = before


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"decap-server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("decap-server did not start")


@pytest.fixture(scope="module")
def editor(tmp_path_factory):
    base = tmp_path_factory.mktemp("cms")
    project, out = base / "project", base / "site"
    project.mkdir()
    # The hub's own folders; the theme comes from the package (a project's
    # templates/ and assets/ only override it).
    for name in ("content", "templates", "assets"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, project / name)
    shutil.copy(REPO / ".gitignore", project / ".gitignore")  # the build cache is not content
    proxy_port = free_port()
    site_yaml = (REPO / "site.yaml").read_text(encoding="utf-8")
    (project / "site.yaml").write_text(
        site_yaml + f"\ncms:\n  backend: github\n  repo: daqing/fengchao-hub\n  branch: main\n  local_port: {proxy_port}\n", encoding="utf-8"
    )
    git(project, "init", "-q", "-b", "main")
    # decap-server reads `git diff`: Chinese file names must come out as they are, not quoted in octal.
    git(project, "config", "core.quotePath", "false")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "示例站点")

    server = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    site = Editor(project, out, f"http://127.0.0.1:{server.server_address[1]}/")
    assert site.build() == 0
    admin_policy, site_policy = policy_for(out, "/admin/*"), policy_for(out, "/news/*")

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self):
            self.send_header("Content-Security-Policy", admin_policy if self.path.startswith("/admin/") else site_policy)
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def log_message(self, *args):
            pass

    server.RequestHandlerClass = functools.partial(Handler, directory=str(out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "PORT": str(proxy_port),
        "BIND_HOST": "127.0.0.1",
        "MODE": "git",
        "GIT_REPO_DIRECTORY": str(project),
        "LOG_LEVEL": "warn",
        "GIT_AUTHOR_NAME": "编辑部",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "编辑部",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    log = (base / "decap-server.log").open("w")
    proxy = subprocess.Popen(["node", str(SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=project)
    try:
        _wait_for_port(proxy_port, proxy)
        yield site
    finally:
        proxy.terminate()
        proxy.wait(10)
        log.close()
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    wanted = os.environ.get("FENGCHAO_CMS_SHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("cms-shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def tab(browser, editor):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    # Nothing leaves the machine: the site and decap-server are on loopback.
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1:", "http://localhost:")) else route.abort()
    )
    page = context.new_page()
    page.console = []
    page.on("console", lambda msg: page.console.append(msg.text))
    page.on("dialog", lambda dialog: dialog.accept())  # "你确定要发布此内容吗？"
    page.goto(editor.url + "admin/")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("新闻", exact=True).first.wait_for()
    yield page
    context.close()


def field(page, label: str):
    """A form field by its label; optional ones read "标签 (可选)"."""
    return page.get_by_label(re.compile(f"^{re.escape(label)}( \\(可选\\))?$"))


def _publish(page) -> float:
    """Save, mark ready, publish now; return the moment publish was clicked."""
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="状态: 草稿").wait_for(timeout=60000)  # a loaded CI machine is slow
    page.get_by_role("button", name="状态: 草稿").click()
    page.get_by_role("menuitem", name="就绪").click()
    page.get_by_role("button", name="发布", exact=True).click()
    clicked = time.monotonic()
    page.get_by_role("menuitem", name="立即发布").click()
    return clicked


def _wait_for_file(path: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.is_file():
            return path.read_text(encoding="utf-8")
        time.sleep(0.05)
    raise AssertionError(f"{path} did not appear")


def front_matter(text: str) -> dict:
    assert text.startswith("---\n"), text[:80]
    return yaml.safe_load(text.split("---\n", 2)[1])


def _live(editor: Editor, rel: str, needle: str) -> None:
    from urllib.request import urlopen

    with urlopen(editor.url + rel) as response:
        assert needle in response.read().decode("utf-8")


def test_article_with_a_photo_through_the_forms_is_published(editor, tab, shots):
    page = tab
    page.get_by_text("107名快递员在大庆爱尔眼科医院做了眼健康普查").wait_for()  # the demo's articles are listed
    page.screenshot(path=str(shots / "cms-list-1280.png"))
    page.goto(editor.url + "admin/#/collections/news/new")
    field(page, "标题").fill(TITLE)
    page.get_by_role("button", name="选择图片").click()
    photo = editor.project.parent / "nuanfeng-zhan.png"
    photo.write_bytes(png())
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="选用已选中项目").click()
    field(page, "封面图片说明").fill("驿站里取暖的骑手")
    page.get_by_role("button", name="新增标签").click()
    page.locator("[id]").get_by_label("标签").last.fill("外卖骑手")
    page.locator("[data-slate-editor]").click()
    page.keyboard.type("天冷了，让胡路区的驿站开了暖气。")
    page.screenshot(path=str(shots / "cms-article-1280.png"))
    clicked = _publish(page)

    year = datetime.now().year
    article = editor.project / "content" / "news" / str(year) / f"{TITLE}.md"
    text = _wait_for_file(article)
    assert editor.build() == 0
    _live(editor, "news/dong-tian-qi-shou-you-di-fang-qu-nuan-le/", TITLE)
    seconds = time.monotonic() - clicked
    (shots / "publish-to-live.json").write_text(json.dumps({"article_seconds": round(seconds, 2)}), encoding="utf-8")
    print(f"publish → live: {seconds:.2f} s")

    meta = front_matter(text)
    assert meta["title"] == TITLE and meta["image_alt"] == "驿站里取暖的骑手" and meta["tags"] == ["外卖骑手"]
    assert meta["image"] == "/images/nuanfeng-zhan.png"
    assert (editor.project / "content" / "images" / "nuanfeng-zhan.png").read_bytes() == png()
    assert "天冷了，让胡路区的驿站开了暖气。" in text.split("---\n", 2)[2]
    # The image pipeline publishes the photo processed (no EXIF), never the upload itself.
    page_html = (editor.out / "news" / "dong-tian-qi-shou-you-di-fang-qu-nuan-le" / "index.html").read_text(encoding="utf-8")
    src = re.search(r'<img src="/images/(nuanfeng-zhan\.[^"]+)" alt="驿站里取暖的骑手"', page_html).group(1)
    assert (editor.out / "images" / src).is_file() and not (editor.out / "images" / "nuanfeng-zhan.png").exists()
    assert git(editor.project, "branch", "--show-current").strip() == "main"
    assert not [m for m in page.console if "Content Security Policy" in m or "Refused to" in m], page.console


def test_station_through_the_forms_is_checked_and_published(editor, tab, capsys):
    page = tab
    page.goto(editor.url + "admin/#/collections/stations/new")
    field(page, "站点名称").fill("庆小驿·让胡路区万达广场温暖服务站")
    field(page, "站点编号").fill(STATION_ID)
    field(page, "所属区县").fill("让胡路区")
    page.keyboard.press("Enter")
    field(page, "详细地址").fill("让胡路区万达广场北门")
    field(page, "纬度 lat").fill("46.6521")
    field(page, "经度 lng").fill("124.8702")
    for amenity in ("饮用水", "充电"):
        field(page, "设施").fill(amenity)
        page.keyboard.press("Enter")
    field(page, "开放时间").fill("全天开放")
    clicked = _publish(page)

    text = _wait_for_file(editor.project / "content" / "stations" / f"{STATION_ID}.yaml")
    assert editor.build() == 0
    _live(editor, f"stations/{STATION_ID}/", "庆小驿·让胡路区万达广场温暖服务站")
    print(f"publish → live: {time.monotonic() - clicked:.2f} s")
    record = yaml.safe_load(text)
    assert record["district"] == "让胡路区" and record["amenities"] == ["drinking_water", "charging"]
    assert record["location"] == {"lat": 46.6521, "lng": 124.8702} and record["sample"] is False
    capsys.readouterr()
    assert main(["--root", str(editor.project), "check", "--strict"]) == 0, capsys.readouterr().err


def test_editor_on_a_phone(editor, browser, shots):
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(("http://127.0.0.1:", "http://localhost:")) else route.abort()
    )
    page = context.new_page()
    try:
        page.goto(editor.url + "admin/")
        page.get_by_role("button", name="登录").click()
        page.goto(editor.url + "admin/#/collections/news/new")
        field(page, "标题").fill(TITLE)
        page.screenshot(path=str(shots / "cms-article-375.png"))
        # The form fits the phone: nothing wider than the screen to scroll sideways for.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    finally:
        context.close()
