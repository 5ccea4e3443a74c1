"""`aliases:` in front matter: the earlier addresses of a moved page, checked
and turned into output paths (site/redirects.py makes the redirects)."""

from __future__ import annotations

import re
from collections.abc import Callable

_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
_ODD = re.compile(r'[\x00-\x20\x7f?#\\"<>|*:%]')


def old_paths(values: tuple[str, ...], error: Callable[[str], None]) -> tuple[str, ...]:
    """/news/old/ → news/old/; /2019/a.html stays a file. Anything that is not a path on this site is an error."""
    kept = []
    for alias in values:
        path = alias.removeprefix("/")
        # Every segment a plain name: no "//host", ".", "..", nor a character a file system or URL would read otherwise.
        segments = path.removesuffix("/").split("/")
        if not alias.startswith("/") or _SCHEME.match(alias) or _ODD.search(alias) or any(s in ("", ".", "..") for s in segments):
            error(f"aliases 里的 {alias!r} 不是本站的旧网址：请写以 / 开头的路径，例如 /news/old-name/（不含域名和 /hub/ 这样的网站路径）")
            continue
        kept.append(path if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else path + "/")
    return tuple(dict.fromkeys(kept))
