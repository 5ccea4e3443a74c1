"""Problems as an editor reads them: `path:line[:col]: message`, then the
offending line quoted with a caret under the column, then a hint where the
likely fix is known.

    content/news/a.md:3: YAML 语法错误：这一行的引号没有结束。…
        | title: "测试
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from fengchao.problems import Problem

MAX_QUOTE = 100

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
    lines = [str(problem)]
    quoted = sources.line(problem.path, problem.line) if sources and problem.line else None
    if quoted is not None and quoted.strip() not in ("", "---"):
        shown = quoted.rstrip()
        if len(shown) > MAX_QUOTE:
            # Keep the column in view on long pasted paragraphs.
            start = max(0, min(problem.col - 1 - MAX_QUOTE // 2, len(shown) - MAX_QUOTE)) if problem.col else 0
            prefix = "…" if start else ""
            shown = prefix + shown[start:start + MAX_QUOTE] + ("…" if start + MAX_QUOTE < len(shown) else "")
            caret_at = len(prefix) + problem.col - 1 - start if problem.col else 0
        else:
            caret_at = problem.col - 1 if problem.col else 0
        shown = shown.replace("\t", " ")
        lines.append(f"    | {shown}")
        if problem.col:
            lines.append("    | " + " " * _width(shown[:caret_at]) + "^")
    for fragment, hint in HINTS:
        if fragment in problem.message:
            lines.append(f"    {hint}")
            break
    return "\n".join(lines)
