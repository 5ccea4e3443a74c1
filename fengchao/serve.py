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

from .errors import BuildFailed, Problem, UsageError
from .pipeline import Project, build
from .report import SourceLines, describe


def preview_dir(project: Project) -> Path:
    cache = os.environ.get("FENGCHAO_CACHE_DIR")
    return (Path(cache) if cache else project.root / ".cache" / "fengchao") / "preview"


def serve(project: Project, host: str, port: int) -> int:
    from livereload import Server
    from livereload.handlers import LiveReloadHandler

    from .preview import DebouncedWatcher, PreviewState, overlay_handler

    preview = replace(project, out=preview_dir(project))
    base_url = f"http://{host}:{port}/"
    state = PreviewState()  # the last rebuild's errors, shown over every page

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            report = build(preview, base_url=base_url, drafts=True)
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
    server.SFH = overlay_handler(server.SFH, state, "/")
    for path in (project.content, project.templates, project.assets, project.root / "site.yaml"):
        server.watch(str(path), rebuild, delay=0.2)
    print(f"预览地址：{base_url}（按 Ctrl+C 停止）")
    try:
        server.serve(root=str(preview.out), host=host, port=port, open_url_delay=None, restart_delay=0)
    except OSError as exc:
        raise UsageError(f"无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）：端口可能被占用，请换一个，例如 --port {port + 1}") from exc
    return 0
