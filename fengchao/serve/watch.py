"""What `fengchao serve` adds to livereload: a debounced watcher and an
error overlay.

livereload's own watcher polls every 800 ms, runs the rebuild on the server's
event loop (no page is served while it builds), runs it once per changed
watched folder, and drops a reload that comes within 3 s of the previous one.
Editors save in bursts and expect the page to follow within a blink, so:

* `DebouncedWatcher` hears of saves from the OS (watchdog: inotify on
  Linux), waits until the sources have been quiet for 50 ms (a burst of
  saves is one rebuild), rebuilds in its own thread, and then tells the
  browsers to reload.
* `snapshot_handler` answers every request from the last good build, held
  in memory (serve/rebuild.py); while the last rebuild failed, every HTML page it
  serves (still the last good output) carries a block listing the problems
  as `path:line: message`. The block is plain HTML; its stylesheet is served
  by the same handler.
"""

from __future__ import annotations

import html
import json
import mimetypes
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from livereload.watcher import Watcher

from fengchao.problems import Problem

QUIET_SECONDS = 0.05
OVERLAY_CSS = "_fengchao/overlay.css"
STATUS_JSON = "_fengchao/status.json"
MAX_SHOWN = 50

CSS = """\
.fc-overlay{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;
margin:0;padding:1rem;background:#fff4f4;color:#5c0000;border-bottom:4px solid #c00;
font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.25)}
.fc-overlay summary{margin:0 0 .5rem;font-weight:bold;font-size:1.05rem;cursor:pointer}
.fc-overlay:not([open]) summary{margin:0}
.fc-overlay ol{margin:0;padding-left:1.5rem}
.fc-overlay li{margin:.25rem 0;white-space:pre-wrap;word-break:break-all}
.fc-overlay code{font:13px/1.4 ui-monospace,monospace}
.fc-overlay p{margin:.5rem 0 0;color:#333}
.fc-notice{margin:0;padding:.75rem 1rem;background:#fff8e1;color:#3d2c00;border-bottom:2px solid #e0a800;
font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif}
"""
# The preview makes no search index (Pagefind re-reads every page: seconds on
# a large site), so its search page says so instead of failing vaguely.
SEARCH_PAGE = "search/index.html"
SEARCH_NOTICE = (
    "预览里不能搜索：搜索索引只在生成网站时制作。"
    "请用 python build.py（或 fengchao build）生成网站后，在生成的网站里试搜索；下面的链接可以浏览全部内容。"
)


@dataclass
class PreviewState:
    """The outcome of the last rebuild, shared by the watcher thread and
    the server's handlers (hence the lock)."""

    problems: tuple[Problem, ...] = ()
    generation: int = 0
    last_ms: float = 0.0
    output: dict = field(default_factory=dict, repr=False)  # the last good build: path → bytes or source Path
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def finished(self, problems: list[Problem], ms: float, output: dict | None = None) -> None:
        """Record a rebuild; a successful one (`output` given) replaces the
        served files in one step, so no request sees half of two builds."""
        with self._lock:
            self.problems = tuple(sorted(p for p in problems if p.severity == "error"))
            self.generation += 1
            self.last_ms = ms
            if output is not None:
                self.output = output

    def files(self) -> dict:
        with self._lock:
            return self.output

    def snapshot(self) -> tuple[tuple[Problem, ...], int]:
        with self._lock:
            return self.problems, self.generation


def overlay_block(problems: tuple[Problem, ...], css_href: str) -> bytes:
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems[:MAX_SHOWN])
    more = f"<p>还有 {len(problems) - MAX_SHOWN} 个问题，见终端。</p>" if len(problems) > MAX_SHOWN else ""
    return (
        f'<link rel="stylesheet" href="{html.escape(css_href)}">'
        # <details open>: the editor can fold it to a thin bar to look at the
        # page underneath, without any script.
        f'<details open class="fc-overlay" role="alert" id="fengchao-overlay">'
        f"<summary>内容有 {len(problems)} 个错误，预览仍显示上一次成功生成的版本（点此收起）</summary>"
        f"<ol>{items}</ol>{more}<p>改正并保存后，这个提示会自动消失。</p></details>"
    ).encode()


def inject(page: bytes, block: bytes) -> bytes:
    """Put `block` right after the opening <body> tag (or first, if none)."""
    lower = page.lower()
    start = lower.find(b"<body")
    end = page.find(b">", start) + 1 if start >= 0 else 0
    return page[:end] + block + page[end:]


def lookup(files: dict, path: str) -> tuple[str | None, bool]:
    """(output path to answer with, whether to redirect to path + "/").

    `path` is the request path, already percent-decoded by Tornado. Nothing
    whose name (or any folder's) starts with a dot is served: `..`, the
    output marker, an editor's `.env`. A backslash never names a file here.
    """
    parts = path.split("/")
    if "\\" in path or any(part.startswith(".") for part in parts) or path.startswith("/"):
        return None, False
    if path == "" or path.endswith("/"):
        rel = path + "index.html"
        return (rel if rel in files else None), False
    if path in files:
        return path, False
    if path + "/index.html" in files:
        return None, True
    return None, False


def content_type(rel: str) -> str:
    kind = mimetypes.guess_type(rel)[0] or "application/octet-stream"
    if kind.startswith("text/") or kind in ("application/json", "application/xml", "image/svg+xml", "application/javascript"):
        kind += "; charset=utf-8"
    return kind


def snapshot_handler(state: PreviewState, sources: tuple[Path, ...], csp: str):
    """A tornado handler answering from the last good build in memory.

    Pages and generated files are bytes in the snapshot; a copied file
    (image, asset) is its source path, served only if it is still a regular
    file inside `sources` (content/ or assets/), symlinks followed. While the
    last rebuild failed, every HTML answer carries the overlay. Takes the
    arguments livereload gives its static handler, and ignores them.
    """
    from tornado import web

    class SnapshotHandler(web.RequestHandler):
        def initialize(self, **_ignored) -> None:
            pass

        def set_default_headers(self) -> None:
            # The site's policy, reported but not enforced, so livereload's
            # inline script runs while violations show in the console.
            self.set_header("Content-Security-Policy-Report-Only", csp)
            self.set_header("X-Content-Type-Options", "nosniff")
            self.set_header("Cache-Control", "no-cache")

        def head(self, path: str) -> None:
            self.get(path, include_body=False)

        def get(self, path: str, include_body: bool = True) -> None:
            problems, _ = state.snapshot()
            if path in (OVERLAY_CSS, STATUS_JSON):
                return self._internal(path, include_body)
            files = state.files()
            rel, redirect = lookup(files, path)
            if redirect:
                return self.redirect("/" + quote(path) + "/", permanent=False)
            body = self._body(files, rel)
            status = 200
            if body is None:
                status, rel = 404, "404.html"
                body = self._body(files, rel)
                if body is None:
                    # No good output yet (the first build failed): a page
                    # that says why, instead of a bare 404.
                    body = b'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>\xe9\xa2\x84\xe8\xa7\x88</title></head><body></body></html>'
            if rel == SEARCH_PAGE:
                body = inject(body, f'<link rel="stylesheet" href="/{OVERLAY_CSS}"><p class="fc-notice" role="status">{SEARCH_NOTICE}</p>'.encode())
            if problems and rel.endswith(".html"):
                body = inject(body, overlay_block(problems, "/" + OVERLAY_CSS))
            self.set_status(status)
            self.set_header("Content-Type", content_type(rel))
            self.set_header("Content-Length", str(len(body)))
            if include_body:
                self.write(body)
            self.finish()

        def _body(self, files: dict, rel: str | None) -> bytes | None:
            value = files.get(rel) if rel else None
            if isinstance(value, Path):
                if not any(is_servable(root, value) for root in sources) or not value.is_file():
                    return None
                return value.read_bytes()
            return value

        def _internal(self, path: str, include_body: bool) -> None:
            problems, generation = state.snapshot()
            if path == OVERLAY_CSS:
                self.set_header("Content-Type", "text/css; charset=utf-8")
                body = CSS
            else:
                self.set_header("Content-Type", "application/json; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                body = json.dumps({"generation": generation, "problems": [str(p) for p in problems]}, ensure_ascii=False)
            self.finish(body if include_body else None)

    return SnapshotHandler


def is_servable(root: Path, path: Path) -> bool:
    """True if `path` is inside `root`, following symlinks, and no part of it
    (below root) is a dot-file or dot-folder."""
    root_abs = Path(os.path.abspath(root))
    path_abs = Path(os.path.abspath(path))
    if path_abs != root_abs and root_abs not in path_abs.parents:
        return False
    if any(part.startswith(".") for part in path_abs.relative_to(root_abs).parts):
        return False
    real_root = root_abs.resolve()
    real = path_abs.resolve()
    return real == real_root or real_root in real.parents


class DebouncedWatcher(Watcher):
    """A livereload Watcher driven by OS file events (watchdog/inotify).

    livereload's polling is replaced: a burst of events is waited out until
    the sources have been quiet for QUIET_SECONDS, then the rebuild runs in
    this watcher's own thread (the server keeps serving the last good
    output meanwhile) and `notify()` is called on the server's event loop,
    from where livereload sends the reload to the browsers.
    """

    def __init__(self, notify):
        super().__init__()
        self.notify = notify
        self._changed = threading.Event()
        self._stop = threading.Event()

    def start(self, callback) -> bool:
        """Called by livereload once serving starts; the paths and the
        rebuild are the ones given to `Server.watch`."""
        from tornado.ioloop import IOLoop
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        paths = [Path(p) for p in self._tasks]
        funcs = list(dict.fromkeys(t["func"] for t in self._tasks.values() if t["func"]))
        changed = self._changed

        class Handler(FileSystemEventHandler):
            """Folders: any change but dot-files (editor swap files).
            A single file (site.yaml): only that file, in its folder."""

            def __init__(self, only: str | None = None):
                self.only = only

            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write"):
                    return  # reads: the build itself reads every source
                touched = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
                if self.only is not None:
                    if any(os.fsdecode(p) == self.only for p in touched):
                        changed.set()
                elif any(not Path(os.fsdecode(p)).name.startswith(".") for p in touched):
                    changed.set()

        def observe(kind):
            observer = kind()
            for path in paths:
                if path.is_dir():
                    observer.schedule(Handler(), str(path), recursive=True)
                elif path.parent.is_dir():
                    observer.schedule(Handler(str(path)), str(path.parent), recursive=False)
            observer.daemon = True
            observer.start()
            return observer

        try:
            observer = observe(Observer)
        except OSError as exc:
            # inotify can run out of watches (fs.inotify.max_user_watches);
            # polling is slower but works everywhere.
            from watchdog.observers.polling import PollingObserver

            print(f"无法使用系统文件通知（{exc}），改为定时检查文件。", file=sys.stderr)
            observer = observe(PollingObserver)
        self._observer = observer
        # One rebuild per burst, however many watched folders it touched.
        self.rebuild = lambda: [func() for func in funcs]
        loop = IOLoop.current()
        thread = threading.Thread(target=self._run, args=(loop,), name="fengchao-watch", daemon=True)
        thread.start()
        return True  # tells livereload not to start its own 800 ms polling

    def examine(self):
        return None, None

    def stop(self) -> None:
        self._stop.set()
        self._changed.set()

    def _run(self, loop) -> None:
        while True:
            self._changed.wait()
            if self._stop.is_set():
                return
            # Wait for the burst to end: an editor's "save all", a git checkout.
            self._changed.clear()
            while self._changed.wait(QUIET_SECONDS):
                self._changed.clear()
            started = time.perf_counter()
            self.rebuild()
            loop.add_callback(self.notify, time.perf_counter() - started)
