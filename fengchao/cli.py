"""The command line: `fengchao build|check|serve|new`.

Exit status: 0 built, 1 content errors (each printed as `path:line: message`),
2 wrong usage. Tracebacks only with --debug.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import BuildFailed, Problem, UsageError
from .pipeline import Project, build, prepare


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fengchao", description="蜂巢：城市小蜜蜂关爱资讯站的静态网站生成器")
    parser.add_argument("--version", action="version", version=f"fengchao {__version__}")
    parser.add_argument("--root", type=Path, default=Path("."), help="项目文件夹（含 site.yaml），默认为当前文件夹")
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的 Python 调用栈")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="把 content/ 生成为网站（默认输出到 site/）")
    b.add_argument("--content", type=Path, help="内容文件夹（默认 content/）")
    b.add_argument("--out", type=Path, help="输出文件夹（默认 site/）")
    b.add_argument("--base-url", help="覆盖 site.yaml 中的 base_url")
    b.add_argument("--drafts", action="store_true", help="同时生成草稿、定时发布和已过期的文章（用于预览）")
    b.add_argument("--strict", action="store_true", help="把警告也当作错误")
    b.add_argument("--jobs", type=_positive, help="并行进程数（默认为 CPU 核数）")
    b.add_argument("--no-cache", action="store_true", help="不读也不写构建缓存（.cache/fengchao/），从头构建")

    c = sub.add_parser("check", help="检查内容，不写任何文件")
    c.add_argument("--content", type=Path)
    c.add_argument("--strict", action="store_true")

    s = sub.add_parser("serve", help="本地实时预览，保存即刷新")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--content", type=Path)

    n = sub.add_parser("new", help="新建一篇新闻、指南或一个站点")
    n.add_argument("kind", choices=["news", "guide", "station"])
    n.add_argument("title")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return int(text)


def _project(args) -> Project:
    root = args.root.resolve()
    if not (root / "site.yaml").is_file():
        raise UsageError(f"{root} 中没有 site.yaml：请在项目文件夹中运行，或用 --root 指定")
    content = (args.content if getattr(args, "content", None) else root / "content").resolve()
    out = (args.out if getattr(args, "out", None) else root / "site").resolve()
    return Project(root, content, out)


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.path, p.line, p.message)):
        print(problem, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) and 2
    if not args.command:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except UsageError as exc:
        print(f"fengchao: {exc}", file=sys.stderr)
        return 2
    except BuildFailed as exc:
        _print_problems(exc.problems)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = len(exc.problems) - errors
        unchanged = "输出文件夹没有改动。" if args.command == "build" else ""
        print(f"失败：{errors} 个错误，{warnings} 个警告。{unchanged}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - an editor sees one line, a developer asks for --debug
        if args.debug:
            raise
        print(f"fengchao 内部错误：{type(exc).__name__}: {exc}（加 --debug 查看详情）", file=sys.stderr)
        return 3


def _run(args) -> int:
    if args.command == "build":
        project = _project(args)
        report = build(project, base_url=args.base_url, drafts=args.drafts, strict=args.strict, jobs=args.jobs, use_cache=not args.no_cache)
        _print_problems(report.warnings)
        seconds = sum(report.timings.values())
        reused = f"，其中 {report.reused} 个未变、沿用上次的输出" if report.reused else ""
        print(f"已生成 {report.pages} 个页面、共 {report.files} 个文件（写入 {report.bytes / 1024 / 1024:.1f} MB{reused}），用时 {seconds:.2f} 秒 → {project.out}")
        return 0
    if args.command == "check":
        project = _project(args)
        prepared = prepare(project, strict=args.strict)
        records, warnings = prepared.records, prepared.warnings
        _print_problems(warnings)
        print(f"检查通过：{len(records.articles)} 篇新闻、{len(records.guides)} 篇指南、{len(records.stations)} 个站点，{len(warnings)} 个警告。")
        return 0
    if args.command == "serve":
        from .serve import serve

        return serve(_project(args), args.host, args.port)
    if args.command == "new":
        from .scaffold import new_file

        path = new_file(_project(args), args.kind, args.title)
        print(path)
        return 0
    raise UsageError(f"未知命令 {args.command}")


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())
