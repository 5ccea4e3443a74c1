"""`fengchao serve`: a live-reloading preview on 127.0.0.1.

It builds into a private folder under .cache/ (never into site/, so a preview
with drafts can't be deployed by mistake), with drafts and future articles
shown, and rebuilds when content, templates, assets or site.yaml change. A
failed rebuild prints its errors and keeps the last good output served, with
the errors shown over every page (preview.py: debounced watcher, overlay).
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from .cache import CacheMemory
from .errors import BuildFailed, Problem, UsageError
from .pipeline import Project, build
from .report import SourceLines, describe


def preview_dir(project: Project) -> Path:
    cache = os.environ.get("FENGCHAO_CACHE_DIR")
    return (Path(cache) if cache else project.root / ".cache" / "fengchao") / "preview"


def preview_handler():
    """livereload's static handler, confined to the preview folder.

    Tornado already refuses `..` (also `%2e%2e`, decoded before routing) by
    comparing normalised paths, but it follows symlinks out of the folder and
    serves dot-files (the output marker, an editor's `.env` copied by
    mistake). This subclass answers 404 to both and sends the site's CSP as
    Report-Only: violations show in the browser console during preview, while
    livereload's own inline script still runs.
    """
    from livereload.handlers import StaticFileHandler
    from tornado import web

    from .headers import csp

    class PreviewFileHandler(StaticFileHandler):
        def set_default_headers(self):
            self.set_header("Content-Security-Policy-Report-Only", csp())
            self.set_header("X-Content-Type-Options", "nosniff")

        def validate_absolute_path(self, root, absolute_path):
            if not is_servable(Path(root), Path(absolute_path)):
                raise web.HTTPError(404)
            # Checked again after Tornado appends index.html to a folder.
            served = super().validate_absolute_path(root, absolute_path)
            if served is not None and not is_servable(Path(root), Path(served)):
                raise web.HTTPError(404)
            return served

    return PreviewFileHandler


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


def serve(project: Project, host: str, port: int) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    from .preview import DebouncedWatcher, PreviewState, overlay_handler

    preview = replace(project, out=preview_dir(project))
    base_url = f"http://{host}:{port}/"
    state = PreviewState()  # the last rebuild's errors, shown over every page
    memory = CacheMemory()  # the build cache's stores, kept between rebuilds

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            # No search index in the preview: Pagefind re-indexes every page
            # (seconds on a large site) and the editor is checking content;
            # the search page then shows its no-search links.
            report = build(preview, base_url=base_url, drafts=True, search=False, memory=memory)
        except BuildFailed as exc:
            sources = SourceLines(project.root)  # quote each offending line, as build does
            for problem in exc.problems:
                print(describe(problem, sources), file=sys.stderr)
            print("构建失败，预览仍显示上一次成功的版本（页面顶部列出了错误）。", file=sys.stderr)
            state.finished(exc.problems, (time.perf_counter() - started) * 1000)
            return
        except UsageError as exc:
            print(f"fengchao: {exc}", file=sys.stderr)
            state.finished([Problem("site.yaml", 0, str(exc))], (time.perf_counter() - started) * 1000)
            return
        ms = (time.perf_counter() - started) * 1000
        state.finished([], ms)
        print(f"已更新：{report.pages} 个页面，用时 {ms:.0f} 毫秒", flush=True)

    rebuild()
    if not (preview.out / "index.html").exists():
        print("首次构建失败：请先修正上面的错误。", file=sys.stderr)
    server = Server(watcher=DebouncedWatcher(notify=lambda seconds: LiveReloadHandler.reload_waiters()))
    # Confined to the preview folder (preview_handler), with the error overlay on top.
    server.SFH = overlay_handler(preview_handler(), state, "/")
    for path in (project.content, project.templates, project.assets, project.root / "site.yaml"):
        server.watch(str(path), rebuild, delay=0.2)
    print(f"预览地址：{base_url}（按 Ctrl+C 停止）")
    try:
        server.serve(root=str(preview.out), host=host, port=port, open_url_delay=None, restart_delay=0)
    except OSError as exc:
        raise UsageError(f"无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）：端口可能被占用，请换一个，例如 --port {port + 1}") from exc
    return 0
