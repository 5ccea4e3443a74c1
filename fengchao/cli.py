"""The command line: `fengchao build|check|serve|new|init`.

Exit status: 0 built, 1 content errors (each printed as `path:line: message`),
2 wrong usage. Tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

from fengchao import __version__
from fengchao.pipeline import Project, build
from fengchao.problems import BuildFailed, Problem, UsageError, display_path, os_error_text
from fengchao.progress import Ticker
from fengchao.report import FORMATS, print_problems, terminal_safe


class _Chinese(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def format_help(self):
        return super().format_help().replace("参数:\n", "参数：\n").replace("选项:\n", "选项：\n")


class _Parser(argparse.ArgumentParser):
    """argparse with its help and its usage errors in Chinese: editors run
    these commands, and `fengchao buld` should say what to type instead."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, formatter_class=_Chinese, add_help=False, **kwargs)
        self._positionals.title, self._optionals.title = "参数", "选项"
        self.add_argument("-h", "--help", action="help", help="显示这段帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 错误：{usage_in_chinese(message)}（{self.prog} --help 查看用法）\n")


_CHOICE = re.compile(r"argument (\S+): invalid choice: '?(.*?)'? \(choose from (.+)\)")
_VALUE = re.compile(r"argument (\S+): invalid (\w+) value: '(.*)'")


def usage_in_chinese(message: str) -> str:
    """argparse's English error → Chinese (known forms; anything else as it is)."""
    if m := _CHOICE.match(message):
        choices = [c.strip(" '") for c in m.group(3).split(",")]
        guess = difflib.get_close_matches(m.group(2), choices, n=1)
        hint = f"，是否想写 {guess[0]}？" if guess else "。"
        if m.group(1) in ("COMMAND", "ACTION"):
            return f"没有 {m.group(2)!r} 这个命令{hint}可选：{'、'.join(choices)}"
        return f"{m.group(1)} 不能是 {m.group(2)!r}{hint}可选：{'、'.join(choices)}"
    if m := _VALUE.match(message):
        kind = {"int": "整数", "float": "数字"}.get(m.group(2), m.group(2))
        return f"{m.group(1)} 的值 {m.group(3)!r} 不对：应为{kind}"
    for english, chinese in (
        ("the following arguments are required: ", "缺少参数："),
        ("unrecognized arguments: ", "无法识别的参数："),
    ):
        if message.startswith(english):
            return chinese + message.removeprefix(english)
    if m := re.match(r"argument (\S+): expected one argument", message):
        return f"{m.group(1)} 后面要写一个值"
    if m := re.match(r"argument (\S+): (.*)", message):
        return f"{m.group(1)}：{m.group(2)}"
    return message


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fengchao", description="蜂巢：城市小蜜蜂关爱资讯站的静态网站生成器")
    parser.add_argument("--version", action="version", version=f"fengchao {__version__}", help="显示版本号并退出")
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
    b.add_argument("--no-search", action="store_true", help="不生成搜索索引（更快；搜索页会显示“搜索用不了时”的浏览链接）")
    b.add_argument("--format", choices=FORMATS, default="text", help="问题的输出格式：text（默认）、json、github（GitHub Actions 注释）")

    c = sub.add_parser("check", help="检查内容，不写任何文件")
    c.add_argument("--content", type=Path)
    c.add_argument("--strict", action="store_true")
    c.add_argument("--base-url", help="覆盖 site.yaml 中的 base_url（检查子路径部署）")
    c.add_argument("--format", choices=FORMATS, default="text", help="text（默认）、json 或 github（GitHub Actions 注释）")
    c.add_argument("--external", action="store_true", help="同时检查外部链接（需要联网，有超时和数量上限）")
    c.add_argument("--external-max", type=int, metavar="N", help="最多检查 N 个不同的外部网址")
    c.add_argument("--external-timeout", type=float, metavar="SEC", help="每个请求的超时秒数")
    c.add_argument("--external-jobs", type=int, metavar="N", help="同时进行的请求数")

    s = sub.add_parser("serve", help="本地实时预览，保存即刷新")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--content", type=Path)

    st = sub.add_parser("stations", help="站点数据工具").add_subparsers(dest="stations_command", metavar="ACTION", required=True)
    imp = st.add_parser("import", help="把表格（.csv UTF-8 或 .xlsx）转成站点 YAML；整张表都没问题才写入")
    imp.add_argument("file", type=Path)
    imp.add_argument("--out", type=Path, help="写到哪个 YAML 文件（默认 content/stations/<表格名>.yaml）")
    imp.add_argument("--content", type=Path)
    imp.add_argument("--force", action="store_true", help="覆盖不是由导入生成的同名文件")
    imp.add_argument("--strict", action="store_true", help="把警告也当作错误")

    n = sub.add_parser("new", help="新建一篇新闻、指南或一个站点")
    n.add_argument("kind", choices=["news", "guide", "station"])
    n.add_argument("title")

    ini = sub.add_parser("init", help="新建一个资讯站：站点设置、示例新闻、指南和站点，马上就能生成和预览")
    ini.add_argument("folder", type=Path, help="新网站的文件夹（不存在或为空）")

    i = sub.add_parser("import", help="把复制或保存下来的文章（文本或网页）转成一篇新闻草稿")
    i.add_argument("file", type=Path, help="文本文件（.txt）或保存的网页（.html）")
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


def _print_problems(problems: list[Problem], fmt: str = "text", strict: bool = False, root: Path | None = None) -> None:
    print_problems(problems, fmt, strict, root)


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
        print(terminal_safe(f"fengchao: {exc}"), file=sys.stderr)
        return 2
    except BuildFailed as exc:
        _print_problems(exc.problems, getattr(args, "format", "text"), getattr(args, "strict", False), args.root)
        errors = sum(1 for p in exc.problems if p.severity == "error")
        warnings = len(exc.problems) - errors
        unchanged = "输出文件夹没有改动。" if args.command == "build" else ""
        print(f"失败：{errors} 个错误，{warnings} 个警告。{unchanged}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except OSError as exc:
        # The machine, not fengchao: a full disk, a read-only or unreadable
        # folder, a file name too long for the file system. Exit 1 with the
        # file's problem if it is content, else 2 (fix the environment).
        if args.debug:
            raise
        return _os_error(exc, args)
    except Exception as exc:  # noqa: BLE001 - an editor sees one line, a developer asks for --debug
        if args.debug:
            raise
        print(terminal_safe(f"fengchao 内部错误：{type(exc).__name__}: {exc}（加 --debug 查看详情）"), file=sys.stderr)
        return 3


def _os_error(exc: OSError, args) -> int:
    name = exc.filename if isinstance(exc.filename, str) else None
    root = args.root.resolve()
    content = (getattr(args, "content", None) or root / "content").resolve()
    if name and Path(os.path.abspath(name)).is_relative_to(content):
        problem = Problem(display_path(Path(name), root), 0, f"无法读取文件：{os_error_text(OSError(exc.errno, exc.strerror))}")
        _print_problems([problem], getattr(args, "format", "text"), False, args.root)
        print("失败：1 个错误，0 个警告。输出文件夹没有改动。", file=sys.stderr)
        return 1
    print(terminal_safe(f"fengchao: 无法完成：{os_error_text(exc)}"), file=sys.stderr)
    return 2


def _external_policy(args):
    # Imported here: every build would otherwise import the link checker
    # just for these defaults (~10 ms of a 0.17 s no-change build).
    from fengchao.check.external_links import ExternalPolicy

    given = {"timeout": args.external_timeout, "max_links": args.external_max, "concurrency": args.external_jobs}
    return ExternalPolicy(**{name: value for name, value in given.items() if value is not None})


def _check_base_url(url: str | None) -> None:
    """One usage error for a --base-url no browser can use as a site address
    (ftp:, javascript:, no host): otherwise every page's every link fails."""
    if url is None:
        return
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
    if not host or parts.scheme not in ("http", "https") or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise UsageError(f"--base-url {url!r} 不是网站地址：请写以 https:// 或 http:// 开头的完整网址，例如 https://example.org/hub/")


def _run(args) -> int:
    _check_base_url(getattr(args, "base_url", None))
    if args.command == "build":
        project = _project(args)
        with Ticker(sys.stderr, "正在生成"):  # a spinner on a terminal, plain lines in CI
            report = build(
                project,
                base_url=args.base_url,
                drafts=args.drafts,
                strict=args.strict,
                jobs=args.jobs,
                use_cache=not args.no_cache,
                search=not args.no_search,
            )
        _print_problems(report.warnings, args.format, False, args.root)
        seconds = sum(report.timings.values())
        reused = f"，其中 {report.reused} 个未变、沿用上次的输出" if report.reused else ""
        # Only the images processed now: those found in the build cache cost nothing (bench/photo_site.py reads this).
        images = f"，处理了 {report.images} 张图片" if report.images else ""
        print(
            f"已生成 {report.pages} 个页面、共 {report.files} 个文件（写入 {report.bytes / 1024 / 1024:.1f} MB{reused}）{images}，用时 {seconds:.2f} 秒 → {terminal_safe(str(project.out))}",
            file=sys.stderr if args.format == "json" else sys.stdout,
        )
        return 0
    if args.command == "check":
        from fengchao.pipeline import check

        external = _external_policy(args) if args.external else None
        if external and (external.max_links < 1 or external.concurrency < 1 or external.timeout <= 0):
            raise UsageError("--external-max、--external-jobs 和 --external-timeout 必须是正数")
        report = check(_project(args), strict=args.strict, external=external, base_url=args.base_url)
        _print_problems(report.warnings, args.format, False, args.root)
        summary = f"检查通过：{report.articles} 篇新闻、{report.guides} 篇指南、{report.stations} 个站点，{report.pages} 个页面的站内链接，{len(report.warnings)} 个警告。"
        if external:
            summary += (
                f"外部链接检查了 {report.external_checked} 个"
                + (f"，另有 {report.external_skipped} 个超出 --external-max 未检查" if report.external_skipped else "")
                + "。"
            )
        out = sys.stderr if args.format == "json" else sys.stdout
        if report.unpublished:
            print(f"以下 {len(report.unpublished)} 篇现在不会公开（预览中可见）：", file=out)
            for path, why in report.unpublished:
                print(terminal_safe(f"  {path}: {why}"), file=out)
        print(summary, file=out)
        return 0
    if args.command == "serve":
        from fengchao.serve.server import serve

        return serve(_project(args), args.host, args.port)
    if args.command == "stations":
        from fengchao.content.config import load_config
        from fengchao.tools.import_stations import run_import

        project = _project(args)
        config, problems = load_config(project.root / "site.yaml", project.root)
        if config is None:
            raise BuildFailed(problems)
        return run_import(
            project.root,
            project.content,
            config,
            args.file.resolve(),
            args.out,
            args.force,
            args.strict,
            lambda line: print(terminal_safe(line), file=sys.stderr),
        )
    if args.command == "new":
        from fengchao.tools.new import new_file

        path = new_file(_project(args), args.kind, args.title)
        print(terminal_safe(str(path)))
        return 0
    if args.command == "init":
        from fengchao.tools.init import init_project

        folder = (args.folder if args.folder.is_absolute() else args.root / args.folder).resolve()
        made = init_project(folder)
        print(f"已新建资讯站：{folder}（{len(made)} 个文件）")
        print(f"下一步：cd {folder}，然后运行 fengchao serve 预览，或 fengchao build 生成网站；编辑说明见其中的 README.md。")
        return 0
    if args.command == "import":
        from fengchao.tools.import_page import import_file

        path, article = import_file(_project(args), args.file)
        dropped = "、".join(f"{n} 行{why}" for why, n in article.dropped.items())
        print(f"已导入为草稿（draft: true）。去掉了：{dropped or '无'}。", file=sys.stderr)
        for note in article.notes:
            print(terminal_safe(f"注意：{note}"), file=sys.stderr)
        if article.garbled:
            print(f"有 {article.garbled} 处疑似乱码，已用 <!-- 乱码？ --> 标出，请对照原稿改正（fengchao check 会列出）。", file=sys.stderr)
        for problem in article.same:
            print(terminal_safe(str(problem)), file=sys.stderr)
        print(terminal_safe(str(path)))
        return 0
    raise UsageError(f"未知命令 {args.command}")


def main_entry() -> None:
    """Console-script entry point, and `python -m fengchao`."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: let the interpreter report it as usual
        sys.exit(code)
    # Leave without tearing the interpreter down: freeing a build's hundreds
    # of thousands of objects one by one took ~35 ms after the work was
    # done. Nothing waits for exit handlers: files are written and closed,
    # the worker pool is shut down (and its workers watch their parent).
    os._exit(code)
