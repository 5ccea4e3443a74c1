"""Printing problems, in every format: the one place a `Problem` becomes text.

For editors (text): `path:line[:col]: message`, then the offending line
quoted with a caret under the column, then a hint where the likely fix is
known. For programs (JSON). For GitHub Actions (workflow-command
annotations that appear on the file and line of a pull request's diff and
in the job summary).

    content/news/a.md:3: YAML 语法错误：这一行的引号没有结束。…
        | title: "测试
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from fengchao.problems import Problem

MAX_QUOTE = 100

# What a terminal or a CI log would act on instead of showing: C0/C1 controls
# (ESC starts a sequence that can recolour, retitle or rewrite the screen;
# U+009B is a one-character CSI), DEL, lone surrogates and bidi overrides.
# A file name or a field can carry any of them; they are shown as escapes.
_UNSAFE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape
    (\\x1b, \\u202e): one line, as the reader would type it."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


# Hints for mistakes whose message alone does not say what to do. The key is
# a fragment of the message; the first match wins.
HINTS = (
    ("文件开头缺少前置信息", "提示：文件第一行应为 ---，可用 fengchao new 生成一个带前置信息的新文件参考。"),
    ("不是 UTF-8 编码", "提示：在记事本或 WPS 中“另存为”，编码选 UTF-8。"),
)


class SourceLines:
    """Reads each file once, however many problems it has."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str | None:
        if path not in self._cache:
            try:
                text = (self.root / path).read_text(encoding="utf-8-sig", errors="replace")
                self._cache[path] = text.replace("\r\n", "\n").split("\n")
            except OSError:
                self._cache[path] = []
        lines = self._cache[path]
        return lines[number - 1] if 0 < number <= len(lines) else None


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def describe(problem: Problem, sources: SourceLines | None) -> str:
    lines = [terminal_safe(str(problem))]
    quoted = sources.line(problem.path, problem.line) if sources and problem.line else None
    if quoted is not None and quoted.strip() not in ("", "---"):
        shown = quoted.rstrip()
        if len(shown) > MAX_QUOTE:
            # Keep the column in view on long pasted paragraphs.
            start = max(0, min(problem.col - 1 - MAX_QUOTE // 2, len(shown) - MAX_QUOTE)) if problem.col else 0
            prefix = "…" if start else ""
            shown = prefix + shown[start : start + MAX_QUOTE] + ("…" if start + MAX_QUOTE < len(shown) else "")
            caret_at = len(prefix) + problem.col - 1 - start if problem.col else 0
        else:
            caret_at = problem.col - 1 if problem.col else 0
        shown = terminal_safe(shown.replace("\t", " "))
        lines.append(f"    | {shown}")
        if problem.col:
            lines.append("    | " + " " * _width(shown[:caret_at]) + "^")
    for fragment, hint in HINTS:
        if fragment in problem.message:
            lines.append(f"    {hint}")
            break
    return "\n".join(lines)


FORMATS = ("text", "json", "github")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are escaped, in that order;
    then any other control character, which the log would act on."""
    return terminal_safe(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """A property value (file=…): also ':' and ',', which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, strict: bool = False) -> str:
    # Under --strict a warning fails the job, so it is shown as the error it is.
    level = "error" if problem.severity == "error" or strict else "warning"
    props = [f"file={escape_property(problem.path)}"]
    if problem.line:
        props.append(f"line={problem.line}")
    if problem.col:
        props.append(f"col={problem.col}")
    props.append(f"title={escape_property(problem.rule or 'fengchao')}")
    return f"::{level} {','.join(props)}::{escape_data(problem.message)}"


def as_json(problems: list[Problem]) -> str:
    items = [{"path": p.path, "line": p.line, "col": p.col, "rule": p.rule, "severity": p.severity, "message": p.message} for p in _ordered(problems)]
    # JSON escapes C0 controls itself; C1 controls and bidi overrides are
    # valid raw in JSON but not on the terminal it is printed to.
    text = json.dumps(items, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.message))


def print_problems(problems: list[Problem], fmt: str = "text", strict: bool = False, root: Path | None = None) -> None:
    """Text goes to stderr (the editor's console); JSON and annotations to
    stdout, where programs and the Actions runner read them. The runner shows
    an annotation in the log without its file and line, so with `github` the
    text lines are printed as well."""
    if fmt == "json":
        print(as_json(problems))
        return
    if fmt == "github":
        for problem in _ordered(problems):
            print(github_annotation(problem, strict))
    # Each problem with its line quoted (report.py), so the fix needs no other window.
    sources = SourceLines(root.resolve()) if root else None
    for problem in _ordered(problems):
        print(describe(problem, sources), file=sys.stderr)
