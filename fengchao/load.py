"""Stage 1, load: read every content file and keep where each value came from.

Nothing here knows what an article or a station is; it turns files into text,
front matter into `LineMap`s (dicts that remember each key's line in the file)
and bodies into strings with their starting line. Encoding and syntax problems
become `Problem`s with the line in the file, front-matter offset included.
"""
from __future__ import annotations

import os
import pickle
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import Problem, display_path

# Limits that keep a hostile or broken file from hanging the build.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_YAML_ALIASES = 100
# Nesting depth of lists/maps: real front matter uses 3; PyYAML's composer
# recurses per level, so without a limit a hostile file hits RecursionError.
MAX_YAML_DEPTH = 32
# Values after expanding every alias (a "billion laughs" file stays under
# the alias limit and expands to 9^9 values).
MAX_YAML_VALUES = 100_000

# libyaml is optional in PyYAML wheels; without it every file takes the slow path.
try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was installed
    _CParser = None

# Editor and OS debris that must never be published.
BACKUP_SUFFIXES = ("~", ".bak", ".swp", ".swo", ".tmp", ".orig", ".rej")
JUNK_FILES = {"Thumbs.db", "desktop.ini"}

SECTIONS = {"news": "news", "guides": "guide", "pages": "page"}


class LineMap(dict):
    """A YAML mapping that knows the file line of itself and of each key."""

    line: int = 0
    key_lines: dict

    def __init__(self, *args, line: int = 0, key_lines: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = key_lines or {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Limit(yaml.MarkedYAMLError):
    """A file over one of the limits above: its message is shown as is."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines, keeps dates as text and bounds aliases.

    Dates stay strings so that one parser (validate) decides what a date means,
    in the site's time zone, instead of YAML's own timestamp rules.
    """

    def __init__(self, stream, first_line: int):
        super().__init__(stream)
        self.first_line = first_line
        self.alias_count = 0
        self.depth = 0

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        memo: dict = {}
        if _expanded_size(node, memo) > MAX_YAML_VALUES:
            raise _Limit(
                problem=f"YAML 别名（&/*）展开后超过 {MAX_YAML_VALUES} 个值的上限，已停止解析。请直接写出内容，不要层层引用",
                problem_mark=_oversize_mark(node, memo),
            )
        return self.construct_document(node)

    def compose_node(self, parent, index):
        if self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            self.depth += 1
            try:
                if self.depth > MAX_YAML_DEPTH:
                    raise _Limit(
                        problem=f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层的上限，已停止解析。前置信息和站点文件用不到这么多层，请检查缩进",
                        problem_mark=self.peek_event().start_mark,
                    )
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_YAML_ALIASES:
                mark = self.peek_event().start_mark
                raise _Limit(
                    problem=f"YAML 别名（*引用）超过 {MAX_YAML_ALIASES} 个的上限，已停止解析", problem_mark=mark
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        pairs = yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=True)
        key_lines = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in key_lines:
                # YAML would silently keep the last value; an editor who wrote
                # a field twice meant one of them.
                raise _DuplicateKey(
                    problem=f"字段 {key!r} 写了两次（第 {key_lines[key]} 行已有），请删掉一个", problem_mark=key_node.start_mark
                )
            key_lines[key] = key_node.start_mark.line + self.first_line
        return LineMap(pairs, line=node.start_mark.line + self.first_line, key_lines=key_lines)


def _without_sexagesimal(tag: str, rx):
    """YAML 1.1 reads `hours: 9:00` as the number 540 (base 60); editors mean text."""
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return tag, re.compile(r"(?!.*:)(?:" + rx.pattern + ")", rx.flags)
    return tag, rx
def _oversize_mark(node, memo: dict):
    """Where to point: down the chain of too-big values, the last key (or
    list item) that is still too big — the line that defines the bomb."""
    mark = node.start_mark
    for _ in range(MAX_YAML_DEPTH + 1):
        if isinstance(node, yaml.MappingNode):
            pairs = node.value
        elif isinstance(node, yaml.SequenceNode):
            pairs = [(None, child) for child in node.value]
        else:
            break
        found = next(((k, v) for k, v in pairs if memo.get(id(v), 0) > MAX_YAML_VALUES), None)
        if found is None:
            break
        key, node = found
        mark = (key or node).start_mark
    return mark


def _expanded_size(node, memo: dict) -> int:
    """How many values the node becomes once every alias is copied in."""
    key = id(node)
    if key not in memo:
        memo[key] = 0  # a recursive alias counts once, not forever
        if isinstance(node, yaml.SequenceNode):
            memo[key] = 1 + sum(_expanded_size(child, memo) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            memo[key] = 1 + sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        else:
            memo[key] = 1
    return memo[key]


_Loader.yaml_implicit_resolvers = {
    ch: [_without_sexagesimal(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


class _FastLoader(_CParser or object, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """libyaml composes (about 10x faster); our constructor and resolvers build.

    Used only where it cannot differ from `_Loader`: text without aliases (no
    `*`, so the alias bound cannot apply) and with bounded nesting (the C
    composer recurses on the C stack). Any error falls back to `_Loader`, so
    every message and line an editor sees comes from one parser.
    """

    yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    def __init__(self, stream, first_line: int):
        _CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.first_line = first_line

    construct_mapping = _Loader.construct_mapping


_FastLoader.yaml_constructors = dict(_Loader.yaml_constructors)
_FAST_MAX_NESTING = 2000


def _fast_parse(text: str, first_line: int):
    """The parsed value, or None if the fast path does not apply or failed."""
    if "*" in text or text.count("[") + text.count("{") > _FAST_MAX_NESTING:
        return None
    if any(len(line) > _FAST_MAX_NESTING for line in text.split("\n")):
        return None
    loader = _FastLoader(text, first_line)
    try:
        value = loader.get_single_data()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if _depth(value) > MAX_YAML_DEPTH:
        return None  # the full loader names the limit, with its line
    return (value,)


def _depth(value) -> int:
    """Nesting depth of parsed YAML, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


_YAML_PROBLEMS = (
    ("mapping values are not allowed", "这里不能出现冒号", "是否缩进不对？文字里含有“: ”时请给整段文字加上引号"),
    ("cannot start any token", "不能用 Tab 键缩进", "请改用空格缩进"),
    ("did not find expected key", "缩进不一致", "同一层的字段要对齐，列表项以“- ”开头"),
    ("expected <block end>", "缩进不一致", "同一层的字段要对齐"),
    ("found undefined alias", "找不到 * 引用的锚点", "请检查 & 和 * 的名称"),
)


def _yaml_in_chinese(problem: str, hint: str) -> tuple[str, str]:
    for english, chinese, advice in _YAML_PROBLEMS:
        if english in problem:
            return chinese, advice
    return problem, hint


def parse_yaml(text: str, shown: str, first_line: int):
    """Parse YAML whose first line is line `first_line` of the file `shown`."""
    if _CParser is not None:
        fast = _fast_parse(text, first_line)
        if fast is not None:
            return fast[0], []
    try:
        # The reader rejects control characters already in the constructor.
        loader = _Loader(text, first_line)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        return None, [Problem(shown, line, f"含有不可见的控制字符（U+{exc.character:04X}），YAML 不允许。请删除它（常见于从网页或 Word 复制的文字）")]
    try:
        return loader.get_single_data(), []
    except (_DuplicateKey, _Limit) as exc:
        return None, [Problem(shown, exc.problem_mark.line + first_line, str(exc.problem))]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "无法解析"
        hint = "请检查缩进、冒号后的空格和引号是否成对"
        context, start = exc.context or "", exc.context_mark
        # An unclosed quote or bracket is noticed lines later (often past the
        # last line); the useful line is where it was opened.
        if start and "quoted scalar" in context and "end of stream" in (exc.problem or ""):
            mark, what, hint = start, "这一行的引号没有结束", "请补上配对的引号（\" 或 '）"
        elif start and "flow" in context and mark and mark.line != start.line:
            mark, what, hint = start, "这一行的 [ 或 { 没有结束", "请补上配对的 ] 或 }"
        elif start and "simple key" in context:
            # "could not find expected ':'" is noticed on the next line.
            mark, what, hint = start, "这一行缺少冒号", "每个字段应写成“字段: 值”，冒号后要有一个空格"
        else:
            what, hint = _yaml_in_chinese(what, hint)
        last = max(text.count("\n") - (1 if text.endswith("\n") else 0), 0)
        line = min(mark.line, last) + first_line if mark else first_line
        return None, [Problem(shown, line, f"YAML 语法错误：{what}。{hint}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, first_line, f"YAML 语法错误：{exc}")]
    except RecursionError:
        return None, [Problem(shown, first_line, f"YAML 嵌套层数过深（上限 {MAX_YAML_DEPTH} 层），已停止解析")]
    finally:
        loader.dispose()


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


RACY_NS = 1_000_000_000


def load_content(content_dir: Path, root: Path, yaml_cache=None, files: dict | None = None) -> tuple[LoadedContent, list[Problem]]:
    """`yaml_cache` (a `cache.Memo`) holds parsed YAML from the last build, by text.

    `files`, kept by a long-running process (the preview server) from one
    build to the next, holds each file's result by its stat: a file whose
    size, times and inode are unchanged is not read again. Reading and
    parsing 2,000 articles is ~0.1 s, most of a preview rebuild's budget.
    """
    docs: list[SourceDoc] = []
    station_files: list[StationFile] = []
    static: list[StaticFile] = []
    problems: list[Problem] = []
    base = content_dir.resolve()
    shown_dirs: dict[Path, str] = {}
    visited: set[str] = set()
    started_ns = time.time_ns()

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
                        {"doc": docs, "stations": station_files, "static": static}[kind].append(value)
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
            mark = (len(docs), len(station_files), len(static), len(problems))
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
            if not isinstance(data, list):
                problems.append(Problem(shown, getattr(data, "line", 1) or 1, "站点文件应为列表：每个站点以“- id: …”开头"))
                continue
            station_files.append(StationFile(path, shown, tuple(data), 1))
        else:
            static.append(StaticFile(path, rel))
        # A file changed within the last second is not remembered: file times
        # tick coarsely (a few ms), so a second save of the same size could
        # carry the same stat as the version read now (git's "racy clean").
        if files is not None and st.st_mtime_ns < started_ns - RACY_NS:
            files[full] = (signature, *_added(mark, docs, station_files, static), tuple(problems[mark[3]:]))
    if files is not None:
        # Forget deleted files: `files` must not grow without bound in a long session.
        for gone in set(files) - visited:
            del files[gone]
    return LoadedContent(tuple(docs), tuple(station_files), tuple(static)), problems


def _added(mark: tuple, docs: list, station_files: list, static: list) -> tuple[str, object]:
    """Which list one file's loading appended to, and what (None: only problems)."""
    for kind, items, before in (("doc", docs, mark[0]), ("stations", station_files, mark[1]), ("static", static, mark[2])):
        if len(items) > before:
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
    from .cache import digest

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
