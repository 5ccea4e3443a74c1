"""`fengchao serve`: a live-reloading preview on 127.0.0.1.

Builds are kept warm in this process (serve/rebuild.py) and held in memory, never
written anywhere (so a preview with drafts can't be deployed by mistake),
with drafts and future articles shown. Content, templates, assets and
site.yaml are watched; a save rebuilds what it affects and the browsers
reload. A failed rebuild prints its errors and keeps the last good build
served, with the errors shown over every page (serve/watch.py: debounced
watcher, overlay, the handler that answers from memory).
"""

from __future__ import annotations

import gc
import sys
import time

from fengchao.pipeline import Project
from fengchao.problems import BuildFailed, Problem, UsageError
from fengchao.report import SourceLines, describe, terminal_safe
from fengchao.serve.rebuild import LiveSite


def serve(project: Project, host: str, port: int) -> int:
    from livereload.handlers import LiveReloadHandler

    from fengchao.serve.host_guard import guarded_server
    from fengchao.serve.watch import DebouncedWatcher, PreviewState, snapshot_handler
    from fengchao.site.headers import csp

    base_url = f"http://{host}:{port}/"
    state = PreviewState()  # the last good build, and the last rebuild's errors
    # No search index in the preview: Pagefind re-indexes every page
    # (seconds on a large site) and the editor is checking content; the
    # search page then shows its no-search links.
    live = LiveSite(project, base_url)

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            snapshot = live.build()
        except BuildFailed as exc:
            sources = SourceLines(project.root)  # quote each offending line, as build does
            for problem in exc.problems:
                print(describe(problem, sources), file=sys.stderr)
            print("构建失败，预览仍显示上一次成功的版本（页面顶部列出了错误）。", file=sys.stderr)
            state.finished(exc.problems, (time.perf_counter() - started) * 1000)
            return
        except UsageError as exc:
            print(terminal_safe(f"fengchao: {exc}"), file=sys.stderr)
            state.finished([Problem("site.yaml", 0, str(exc))], (time.perf_counter() - started) * 1000)
            return
        ms = (time.perf_counter() - started) * 1000
        state.finished([], ms, snapshot.files)
        # What the build keeps lives until the next one: the garbage
        # collector need not walk it again on every later collection.
        gc.freeze()
        warned = f"，{len(snapshot.warnings)} 个警告（运行 fengchao check 查看）" if snapshot.warnings else ""
        redone = "" if len(snapshot.rendered) == snapshot.pages else f"，重新生成了其中 {len(snapshot.rendered)} 个"
        print(f"已更新：{snapshot.pages} 个页面{redone}，用时 {ms:.0f} 毫秒{warned}", flush=True)

    rebuild()
    if not state.files():
        print("首次构建失败：请先修正上面的错误。", file=sys.stderr)
    server = _quiet(guarded_server(host))(watcher=DebouncedWatcher(notify=lambda seconds: LiveReloadHandler.reload_waiters()))
    server.ready = lambda: print(f"预览地址：{base_url}（按 Ctrl+C 停止）", flush=True)
    server.SFH = snapshot_handler(state, (project.content, *project.assets), csp())
    for path in project.inputs:  # the packaged theme's folders too: editing it reloads the preview
        server.watch(str(path), rebuild, delay=0.2)
    try:
        server.serve(root=str(project.root), host=host, port=port, open_url_delay=None, restart_delay=0)
    except OSError as exc:
        raise UsageError(f"无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）：端口可能被占用，请换一个，例如 --port {port + 1}") from exc
    return 0


# livereload's own lines ("Serving on …", "Browser Connected", "Reload 0
# waiters: None") and Tornado's access log ("404 GET /pagefind/pagefind.js")
# are English chatter for an editor; only real errors are kept, in Chinese.
_CHATTER = ("Serving on", "Start watching", "Start detecting", "Reload ", "Browser Connected", "Ignore:", "Watch current", "Shutting down")


def _quiet(server_class):
    import logging

    class Quiet(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.name == "tornado.access" or record.levelno < logging.WARNING and record.getMessage().startswith(_CHATTER):
                return
            if record.levelno >= logging.WARNING:
                print(f"预览服务器出错：{record.getMessage()}", file=sys.stderr)

    class QuietServer(server_class):
        ready = staticmethod(lambda: None)

        def _setup_logging(self) -> None:
            handler = Quiet()
            for name in ("livereload", "tornado"):
                log = logging.getLogger(name)
                log.setLevel(logging.INFO)
                log.handlers[:] = [handler]
                log.propagate = False

        def application(self, *args, **kwargs):
            made = super().application(*args, **kwargs)  # listens: a busy port fails here
            self.ready()  # so the address is printed only once it answers
            return made

    return QuietServer
