"""Smaller bytes for readers on a weak signal: HTML, CSS and JS minified.

CSS and JS go through minify-html (Rust; lightningcss and a JS minifier
inside). For pages we only drop what the templates' layout adds: indentation
and blank lines. That is rendering-identical (a run of whitespace with a line
break renders as one space either way) and keeps every character reference as
written: minify-html would turn `content="&lt;script&gt;"` into
`content='<script>'` (valid HTML, but not what a scraper or a WeChat preview
should have to get right), and measured on the 2,000-article corpus its
further saving is ~3% gzipped. Only production builds are minified
(`fengchao build`, not the drafts preview).
"""

from __future__ import annotations

import functools
import re

from fengchao.digests import Memo, digest

# Assets minified in production builds (published under their own names).
MINIFIED = (".css", ".js")
# The web editor's bundle (site/admin.py): already minified, 5 MB, loaded only by editors.
NOT_MINIFIED = ("admin/",)


def is_minified(path: str) -> bool:
    return path.endswith(MINIFIED) and not path.startswith(NOT_MINIFIED)


# Whitespace is content in these; they are copied as they are.
_VERBATIM = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.S | re.I)
_INDENT = re.compile(r"\n\s+")


def page(data: bytes) -> bytes:
    parts = _VERBATIM.split(data.decode("utf-8"))
    # split() yields text, whole verbatim element, its tag name, text, ...
    out = []
    for index, part in enumerate(parts):
        kind = index % 3
        if kind == 0:
            out.append(_INDENT.sub("\n", part))
        elif kind == 1:
            out.append(part)
    return "".join(out).encode("utf-8")


def stylesheet(data: bytes) -> bytes:
    """A .css file: minified as the body of a <style> element."""
    import minify_html

    out = minify_html.minify("<style>" + data.decode("utf-8") + "</style>", minify_css=True)
    return out.removeprefix("<style>").removesuffix("</style>").encode("utf-8")


def script(data: bytes) -> bytes:
    import minify_html

    out = minify_html.minify("<script>" + data.decode("utf-8") + "</script>", minify_js=True)
    return out.removeprefix("<script>").removesuffix("</script>").encode("utf-8")


def asset(rel: str, data: bytes) -> bytes:
    if rel.endswith(".css"):
        return stylesheet(data)
    if rel.endswith(".js"):
        return script(data)
    return data


def minified_assets(copies, store: Memo | None = None) -> list[tuple[str, bytes]]:
    """(path, minified bytes) of every script and stylesheet among `copies`.

    `store`: minified bytes by the source's, from the last build (the site's
    scripts and styles, Leaflet included: ~60 ms every build)."""
    out = []
    for copy in copies:
        if is_minified(copy.path):
            data = copy.source.read_bytes()
            make = functools.partial(asset, copy.path, data)
            out.append((copy.path, store.reuse(digest(b"minified", copy.path, data), make) if store else make()))
    return out
