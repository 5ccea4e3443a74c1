"""The content checker's rule for characters an editor cannot see.

Control characters and bidi overrides never get this far: they are errors
when the file is loaded (content/load.py, content/yaml_lines.py). What is
left are invisible characters pasted from web pages and chat apps (a
zero-width space, a word joiner, a soft hyphen, a stray BOM): two tags or
titles that look the same then differ, and search misses the word. Tags
and categories are compared without them (content/validate.py); anywhere
else they are a warning at their line and column.
"""

from __future__ import annotations

from fengchao.text import INVISIBLE_CHARS, describe_char


def invisible_character(line: str, cfg) -> list[tuple[int, str]]:
    return [
        (m.start(), f"含有 {describe_char(m.group())}：看起来一样的文字会被当作不同（标签、搜索都受影响），请删除它")
        for m in INVISIBLE_CHARS.finditer(line)
    ]


def may_hold_invisible(text: str, cfg) -> bool:
    return INVISIBLE_CHARS.search(text) is not None
