"""The one URL rule for every field that becomes an address in the output.

Markdown links and images pass the sanitiser's scheme allowlist
(markup/sanitize.py: http, https, mailto, tel, or relative). Front-matter and
station fields that become a `src` or `href` (an article's `image` and
`source_url`, a station photo's `src`) are checked here, at validate time,
where the field's line is known, by the same allowlist narrowed to what each
field can mean. What this refuses:

- any scheme but the field's own (`javascript:`, `data:`, `vbscript:`, `file:`),
  also when hidden by a tab, newline or control character, which browsers
  strip before reading the scheme (`java\tscript:`);
- protocol-relative addresses (`//cdn.example.com/a.png`, and `\\\\host`, which
  browsers read the same way): they take the page's scheme and, joined to the
  site's origin for a share image, became `https://example.org//cdn…`;
- a relative path that climbs out of content/ (`../../secret.png`).
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

WEB = ("http", "https")
# What a browser removes from a URL before it reads the scheme (WHATWG URL:
# leading/trailing C0 control or space, and every tab or newline inside).
_STRIPPED = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def _split(url: str):
    try:
        return urlsplit(url)
    except ValueError:  # "http://[::1": a broken IPv6 literal
        return None


def url_problem(value: str, source_rel: str, schemes: tuple[str, ...] = WEB, relative: bool = True) -> str | None:
    """Why `value` may not be published as an address, or None. `source_rel`
    is the content-relative file it was written in (relative paths join it)."""
    seen = _STRIPPED.sub("", value)
    parts = _split(seen)
    if parts is None:
        return f"'{value}' 不是有效的网址：请检查方括号和冒号"
    scheme = _SCHEME.match(seen)
    if not relative and not (scheme and scheme.group(1).lower() in WEB and parts.netloc):
        return f"'{value}' 不是网页地址：请写以 https:// 或 http:// 开头的完整网址"
    if seen.startswith(("//", "\\\\", "/\\", "\\/")):
        return f"'{value}' 是省略了协议的网址（以 // 开头）：请写完整的 https:// 网址"
    if scheme:
        if scheme.group(1).lower() not in schemes or scheme.group(1).lower() in WEB and not parts.netloc:
            return f"'{value}' 不能用这种网址：请写 content/ 中的文件路径或 https:// 网址"
        return None
    path = unquote(parts.path)
    if "\\" in path:
        return f"'{value}' 中有反斜杠（\\）：网址和路径请用正斜杠（/）"
    if not path.startswith("/"):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))
        if joined == ".." or joined.startswith("../"):
            return f"'{value}' 指向内容文件夹之外：图片和文件请放在 content/ 中"
    return None
