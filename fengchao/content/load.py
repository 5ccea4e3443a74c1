"""Stage 1, load: read every content file and keep where each value came from.

(YAML with line numbers, and its limits, is in yaml_lines.py.)

Nothing here knows what an article or a station is; it turns files into text,
front matter into `LineMap`s (dicts that remember each key's line in the file)
and bodies into strings with their starting line. Encoding and syntax problems
become `Problem`s with the line in the file, front-matter offset included.
"""

from __future__ import annotations

import os
import pickle
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from fengchao.content.svg_check import svg_problem
from fengchao.content.yaml_lines import MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_VALUES, LineMap, parse_yaml  # noqa: F401 - also load's API
from fengchao.digests import RACY_NS
from fengchao.problems import Problem, display_path
from fengchao.text import FORBIDDEN_CHARS, describe_char
from fengchao.warm import COLD, Warm

# Limits that keep a hostile or broken file from hanging the build.
MAX_FILE_BYTES = 20 * 1024 * 1024

# Editor and OS debris that must never be published.
BACKUP_SUFFIXES = ("~", ".bak", ".swp", ".swo", ".tmp", ".orig", ".rej")
JUNK_FILES = {"Thumbs.db", "desktop.ini"}

SECTIONS = {"news": "news", "guides": "guide", "pages": "page"}

# Files a browser runs as a document with scripts in the site's origin. Copied
# verbatim they would go around the sanitiser every Markdown body passes
# through (a hand-made .html page, XML with a stylesheet), so they are
# refused; an SVG is published only if it is inert (svg_check.py). The
# contract is in docs/security.md ("The content contract").
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svgz", ".xml", ".xsl", ".xslt")
ACTIVE_REFUSED = (
    "这种文件（{suffix}）不会发布：浏览器会把它当作网页打开并执行其中的脚本，绕过内容的安全过滤。"
    "网页请写成 content/pages/ 中的 Markdown；图标和插图请用 PNG/JPEG/WebP 或不含脚本的 .svg"
)
SVG_REFUSED = (
    "这个 SVG 不会发布：其中有 {what}，浏览器直接打开它时可能执行脚本或加载外部内容。请在绘图软件中导出为“纯 SVG”（不含脚本、链接和动画），或转成 PNG"
)


def read_text(path: Path, shown: str) -> tuple[str, Problem | None]:
    """Read a UTF-8 file (BOM tolerated, CRLF normalised) or say what it is."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return "", Problem(shown, 0, f"文件过大（{size // 1024 // 1024} MB），上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as exc:
        return "", Problem(shown, 0, f"无法读取文件：{exc.strerror or exc}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return "", Problem(shown, line, f"文件不是 UTF-8 编码（{_guess_encoding(data)}）。请用 UTF-8 重新保存")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return "", Problem(shown, line, "文件中含有空字符（NUL），可能不是文本文件")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _guess_encoding(data: bytes) -> str:
    for name, label in (("gb18030", "看起来是 GBK/GB18030"), ("big5", "看起来是 Big5")):
        try:
            decoded = data.decode(name)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= ch <= "\u9fff" for ch in decoded):
            return label
    return "编码无法识别"


@dataclass(frozen=True)
class SourceDoc:
    """A Markdown file with front matter, as read from disk."""

    kind: str  # "news", "guide" or "page"
    path: Path  # absolute
    rel: str  # path relative to the content folder, POSIX
    shown: str  # path as shown to the editor
    meta: LineMap
    body: str
    body_line: int  # file line of the body's first line


@dataclass(frozen=True)
class StationFile:
    path: Path
    shown: str
    items: tuple  # LineMap items; anything else is reported by validate
    line: int


@dataclass(frozen=True)
class StaticFile:
    source: Path
    rel: str  # output path relative to the site root


@dataclass(frozen=True)
class LoadedContent:
    docs: tuple[SourceDoc, ...]
    station_files: tuple[StationFile, ...]
    static: tuple[StaticFile, ...]


def split_front_matter(text: str, shown: str) -> tuple[str, str, int, Problem | None]:
    """Return (front matter, body, body's first line) of a Markdown file."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "", "", 0, Problem(shown, 1, "文件开头缺少前置信息（front matter）。第一行应为 ---，随后是 title: 等字段，再以 --- 结束")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2, None
    return "", "", 0, Problem(shown, 1, "前置信息没有结束：是否忘了写结尾的 --- ？")


def load_content(content_dir: Path, root: Path, warm: Warm = COLD) -> tuple[LoadedContent, list[Problem]]:
    """Every file under `content_dir`, read and split; YAML parsed with lines.

    From `warm`: `yaml` holds parsed YAML from the last build, by text;
    `files`, kept by a long-running process (the preview server) from one
    build to the next, holds each file's result by its stat: a file whose
    size, times and inode are unchanged is not read again. Reading and
    parsing 2,000 articles is ~0.1 s, most of a preview rebuild's budget.
    """
    files, yaml_cache = warm.files, warm.yaml
    docs: list[SourceDoc] = []
    station_files: list[StationFile] = []
    static: list[StaticFile] = []
    problems: list[Problem] = []
    base = content_dir.resolve()
    shown_dirs: dict[Path, str] = {}
    visited: set[str] = set()
    started_ns = time.time_ns()
    lists = {"doc": docs, "stations": station_files, "static": static}  # where a remembered result goes

    for full in _walk(content_dir, problems, root):
        if files is not None:
            # The warm path: a plain file with the stat it had last time.
            # Strings, not pathlib: this runs for every file on every save.
            known = files.get(full)
            if known is not None and not os.path.islink(full):
                try:
                    st = os.stat(full)
                except OSError:
                    st = None
                if st is not None and known[0] == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
                    visited.add(full)
                    _, kind, value, found = known
                    problems += found
                    if value is not None:
                        lists[kind].append(value)
                    continue
        path = Path(full)
        rel = path.relative_to(content_dir).as_posix()
        shown = _shown(path, root, shown_dirs)
        # A symlink (to a file, or a folder above it) that leads out of
        # content/ would publish whatever it points at: a home folder, /etc.
        # _walk has already checked that every folder it enters resolves to
        # inside content/, so only a symlinked file needs resolving itself.
        target = _resolve(path) if path.is_symlink() else path
        if target is None:
            problems.append(Problem(shown, 0, "符号链接形成循环（或指向的文件不存在），已跳过"))
            continue
        if target is not path and not target.is_relative_to(base):
            problems.append(Problem(shown, 0, "符号链接指向内容文件夹之外，已拒绝。请把文件复制到 content/ 中"))
            continue
        try:
            st = os.stat(target)
        except OSError:
            st = None
        if st is None or not stat.S_ISREG(st.st_mode):
            # A named pipe would block the read forever; a device is not content.
            problems.append(Problem(shown, 0, "不是普通文件（可能是管道或设备文件），已跳过。请删除它"))
            continue
        if files is not None:
            visited.add(full)
            signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            mark = ({kind: len(items) for kind, items in lists.items()}, len(problems))
        top, _, rest = rel.partition("/")
        if path.suffix.lower() == ".md" and not (top in SECTIONS and rest and (top == "news" or "/" not in rest)):
            # Publishing Markdown source as a raw file is never what was meant.
            where = "、".join(f"content/{t}/" for t in SECTIONS)
            problems.append(Problem(shown, 0, f"这个 Markdown 文件不会发布：页面文件应放在 {where}（指南和页面不能放在子文件夹里）", "warning"))
            continue
        if top in SECTIONS and path.suffix.lower() == ".md":
            doc, doc_problems = _load_doc(SECTIONS[top], path, rel, shown, yaml_cache)
            problems += doc_problems
            if doc:
                docs.append(doc)
        elif top == "stations" and path.suffix in (".yaml", ".yml") and "/" not in rest:
            text, problem = read_text(path, shown)
            if problem:
                problems.append(problem)
                continue
            data, yaml_problems = _parse_cached(text, shown, 1, yaml_cache)
            problems += yaml_problems
            if yaml_problems:
                continue
            if data is None:
                data = []
            if isinstance(data, LineMap) and "id" in data:
                data = [data]  # one station per file, as the web editor saves it (docs/cms.md)
            if not isinstance(data, list):
                problems.append(Problem(shown, getattr(data, "line", 1) or 1, "站点文件应为列表：每个站点以“- id: …”开头"))
                continue
            station_files.append(StationFile(path, shown, tuple(data), 1))
        elif path.suffix.lower() in ACTIVE_SUFFIXES:
            problems.append(Problem(shown, 0, ACTIVE_REFUSED.format(suffix=path.suffix)))
        elif path.suffix.lower() == ".svg" and (refused := _svg_refused(path, shown)):
            problems.append(refused)
        else:
            static.append(StaticFile(path, rel))
        # A file changed within the last second is not remembered: file times
        # tick coarsely (a few ms), so a second save of the same size could
        # carry the same stat as the version read now (git's "racy clean").
        if files is not None and st.st_mtime_ns < started_ns - RACY_NS:
            files[full] = (signature, *_added(mark[0], lists), tuple(problems[mark[1] :]))
    if files is not None:
        # Forget deleted files: `files` must not grow without bound in a long session.
        for gone in set(files) - visited:
            del files[gone]
    return LoadedContent(tuple(docs), tuple(station_files), tuple(static)), problems


def _svg_refused(path: Path, shown: str) -> Problem | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return Problem(shown, 0, f"文件过大，上限为 {MAX_FILE_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    except OSError as exc:
        return Problem(shown, 0, f"无法读取文件：{exc.strerror or exc}")
    found = svg_problem(data)
    return Problem(shown, found[0], SVG_REFUSED.format(what=found[1])) if found else None


def _added(before: dict, lists: dict) -> tuple[str, object]:
    """Which list one file's loading appended to, and what (None: only problems)."""
    for kind, items in lists.items():
        if len(items) > before[kind]:
            return kind, items[-1]
    return "doc", None


def _shown(path: Path, root: Path, shown_dirs: dict[Path, str]) -> str:
    """`display_path`, resolving each folder once instead of every file's whole path."""
    if path.is_symlink():
        return display_path(path, root)
    folder = shown_dirs.get(path.parent)
    if folder is None:
        folder = shown_dirs[path.parent] = display_path(path.parent, root)
    return path.name if folder == "." else f"{folder}/{path.name}"


def _parse_cached(text: str, shown: str, first_line: int, memo):
    """`parse_yaml`, or last build's result for the same text (kept pickled: callers may mutate theirs)."""
    if memo is None:
        return parse_yaml(text, shown, first_line)
    from fengchao.digests import digest

    key = digest("yaml", shown, str(first_line), text)
    hit = memo.previous.get(key)
    if hit is not None:
        memo.used[key] = hit
        return pickle.loads(hit), []
    value, problems = parse_yaml(text, shown, first_line)
    if not problems:
        memo.used[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return value, problems


def _load_doc(kind: str, path: Path, rel: str, shown: str, yaml_cache=None) -> tuple[SourceDoc | None, list[Problem]]:
    text, problem = read_text(path, shown)
    if problem:
        return None, [problem]
    fm, body, body_line, problem = split_front_matter(text, shown)
    if problem:
        return None, [problem]
    meta, problems = _parse_cached(fm, shown, 2, yaml_cache)
    if problems:
        return None, problems
    if meta is None:
        meta = LineMap()
    if not isinstance(meta, LineMap):
        return None, [Problem(shown, 2, "前置信息应为“字段: 值”的形式")]
    bad = FORBIDDEN_CHARS.search(body)
    if bad:
        # The front matter's are found by the YAML reader; a body's would reach
        # every page, feed and search result that quotes it.
        before = body[: bad.start()]
        line, col = body_line + before.count("\n"), bad.start() - before.rfind("\n")
        return None, [
            Problem(shown, line, f"正文含有不能发布的字符 {describe_char(bad.group())}。请删除它（常见于从网页或 Word 复制的文字）", col=col)
        ]
    # A missing field is reported at the front matter's opening --- (line 1),
    # not at whichever key happens to come first.
    meta.line = 1
    return SourceDoc(kind, path, rel, shown, meta, body, body_line), []


def _resolve(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _walk(content_dir: Path, problems: list[Problem], root: Path):
    """Every file under content/ (as a path string), sorted, skipping dot-files and editor debris."""
    seen: set[tuple[int, int]] = set()
    base = content_dir.resolve()

    def unreadable(exc: OSError) -> None:
        problems.append(Problem(display_path(Path(exc.filename or content_dir), root), 0, f"无法读取文件夹：{exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(content_dir, followlinks=True, onerror=unreadable):
        shown = display_path(Path(dirpath), root)
        stat = os.stat(dirpath)
        if (stat.st_dev, stat.st_ino) in seen:
            problems.append(Problem(shown, 0, "符号链接形成循环（文件夹链接到了自己的上级），已跳过"))
            dirnames[:] = []
            continue
        if not Path(dirpath).resolve().is_relative_to(base):
            problems.append(Problem(shown, 0, "符号链接指向内容文件夹之外，已拒绝。请把文件夹复制到 content/ 中"))
            dirnames[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith((".", "#", "~$")) or name.endswith(BACKUP_SUFFIXES) or name in JUNK_FILES:
                continue
            yield os.path.join(dirpath, name)
