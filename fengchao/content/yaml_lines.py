"""YAML with line numbers: what load.py parses front matter and station files with.

`parse_yaml` turns text into plain values whose mappings are `LineMap`s
(dicts that remember each key's line in the file), or into Problems worded
for an editor, in Chinese, with the line. libyaml does the common case fast
(`_fast_parse`); aliases, deep nesting and every error go through the
pure-Python loader. Limits on aliases, nesting and expanded size keep a
hostile file from hanging the build; a key written twice is an error; and
`1:30` stays text (YAML 1.1 would read a sexagesimal number).
"""

from __future__ import annotations

import re

import yaml

from fengchao.problems import Problem
from fengchao.text import FORBIDDEN_CHARS, describe_char

# Limits that keep a hostile or broken file from hanging the build.
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


class LineMap(dict):
    """A YAML mapping that knows the file line of itself and of each key, and
    the text as typed of each value YAML read as a bool or number (`raw`)."""

    line: int = 0
    key_lines: dict
    raw: dict

    def __init__(self, *args, line: int = 0, key_lines: dict | None = None, raw: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = key_lines or {}
        self.raw = raw or {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

    def typed(self, key: str):
        """The value, or the text the editor typed where YAML made it a bool
        or number: `title: yes` is "yes", `010` is "010", not True or 8."""
        return getattr(self, "raw", {}).get(key, self.get(key))


class TextList(list):
    """A YAML sequence with the typed text of its bool and number items (`tags: [yes, 010]`)."""

    raw: dict

    def typed(self) -> list:
        raw = getattr(self, "raw", {})
        return [raw.get(i, v) for i, v in enumerate(self)]


_TYPED = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


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
        self.source_text = stream
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
                raise _Limit(problem=f"YAML 别名（*引用）超过 {MAX_YAML_ALIASES} 个的上限，已停止解析", problem_mark=mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        pairs = yaml.constructor.SafeConstructor.construct_mapping(self, node, deep=True)
        key_lines = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in key_lines:
                # YAML would silently keep the last value; an editor who wrote
                # a field twice meant one of them.
                raise _DuplicateKey(problem=f"字段 {key!r} 写了两次（第 {key_lines[key]} 行已有），请删掉一个", problem_mark=key_node.start_mark)
            key_lines[key] = key_node.start_mark.line + self.first_line
        raw = {self.construct_object(k, deep=True): v.value for k, v in node.value if v.tag in _TYPED}
        return LineMap(pairs, line=node.start_mark.line + self.first_line, key_lines=key_lines, raw=raw)

    def construct_text_list(self, node):
        items = TextList(self.construct_sequence(node, deep=True))
        items.raw = {i: child.value for i, child in enumerate(node.value) if child.tag in _TYPED}
        return items

    def construct_checked_str(self, node):
        """Text as YAML escapes allow it ("\x1b", "\ud800", "\u202e") is
        checked like typed text: the reader only sees the raw characters."""
        value = self.construct_scalar(node)
        bad = FORBIDDEN_CHARS.search(value)
        if bad:
            escaped = node.style == '"' and bad.group() not in self.source_text
            how = "（写成了双引号里的转义）" if escaped else ""
            raise _Limit(problem=f"含有不能发布的字符 {describe_char(bad.group())}{how}。请删除它", problem_mark=node.start_mark)
        return value

    def construct_refused(self, node):
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise _Limit(
            problem=f"不支持 YAML 类型标记 {tag}：字段的值请直接写文字或数字（不要用 ! 或 !! 开头的标记）",
            problem_mark=node.start_mark,
        )


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
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_text_list)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_checked_str)
# Types no field means: bytes, sets, ordered pairs, timestamps (dates are
# text, read by validate), and any local or Python tag (SafeLoader's message
# for those is English and names no field).
for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _Loader.construct_refused)
_Loader.add_constructor(None, _Loader.construct_refused)


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
        self.source_text = stream

    construct_mapping = _Loader.construct_mapping
    construct_text_list = _Loader.construct_text_list
    construct_checked_str = _Loader.construct_checked_str
    construct_refused = _Loader.construct_refused


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


# `title：标题` — the mistake Chinese editors make most: a full-width colon
# after a key. YAML reads it as text, and notices only later (on the next
# line, or as "no colon here"), so every such line is named instead.
_FULL_WIDTH_KEY = re.compile(r"^[ ]*(?:-[ ]+)?([A-Za-z_][A-Za-z0-9_-]*)[ ]*：")


def _full_width_colons(text: str, shown: str, first_line: int) -> list[Problem]:
    return [
        Problem(
            shown,
            number + first_line,
            f"YAML 语法错误：{m.group(1)} 后面的冒号是中文的“：”。字段名后面要用英文冒号再加一个空格，例如 {m.group(1)}: …",
        )
        for number, line in enumerate(text.split("\n"))
        if (m := _FULL_WIDTH_KEY.match(line))
    ]


def _yaml_in_chinese(problem: str, hint: str) -> tuple[str, str]:
    for english, chinese, advice in _YAML_PROBLEMS:
        if english in problem:
            return chinese, advice
    return problem, hint


def parse_yaml(text: str, shown: str, first_line: int):
    """Parse YAML whose first line is line `first_line` of the file `shown`."""
    if _CParser is not None:
        fast = _fast_parse(text, first_line)
        if fast is not None and not (isinstance(fast[0], str) and "：" in fast[0]):
            return fast[0], []
    try:
        # The reader rejects control characters already in the constructor.
        loader = _Loader(text, first_line)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + first_line
        return None, [Problem(shown, line, f"含有不可见的控制字符（U+{exc.character:04X}），YAML 不允许。请删除它（常见于从网页或 Word 复制的文字）")]
    try:
        data = loader.get_single_data()
        if isinstance(data, str) and "：" in data:  # one line, `title：标题`: text, not a field
            colons = _full_width_colons(text, shown, first_line)
            if colons:
                return None, colons
        return data, []
    except (_DuplicateKey, _Limit) as exc:
        return None, [Problem(shown, exc.problem_mark.line + first_line, str(exc.problem))]
    except yaml.MarkedYAMLError as exc:
        colons = _full_width_colons(text, shown, first_line)
        if colons:
            return None, colons
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
