"""The HTML allowlist for editors' Markdown (nh3, the binding of Rust's Ammonia).

Markdown lets an editor write raw HTML, and articles are often pasted from
other sites; a pasted `<script>`, an `onerror=` or a `javascript:` link must
not reach readers. Every rendered Markdown body goes through `clean()` unless
its file sets `trusted_html: true` (which `check` and `build` report).

The allowlist keeps what articles legitimately use — paragraphs, headings
with their anchors, lists, tables (alignment as the `align` attribute, not
inline styles, so the site works under `style-src 'self'`), figures, images,
links, quotes, code, abbreviations, definition lists and footnotes — and drops
scripts, styles, event handlers, frames, forms, and any URL that is not
http(s), mailto, tel or relative (`javascript:`, `data:`, `vbscript:` …).

`dropped()` names what the sanitizer removed, so the editor who pasted it is
told (a warning with the line) instead of discovering a silently changed page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
    }
)

# Removed together with their content: what is inside them is code, not text.
CONTENT_DROPPED = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript", "textarea", "select", "svg", "math"})

_ALIGN = {"align"}
ATTRIBUTES = {
    "a": {"href", "title", "hreflang", "id", "class"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height", "loading", "decoding"},
    "td": _ALIGN | {"colspan", "rowspan"},
    "th": _ALIGN | {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"id", "value"},
    "time": {"datetime"},
    "code": {"class"},  # language-xxx from fenced code
    "div": {"class"},  # the footnotes block
    "sup": {"id"},  # footnote references
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
    **{f"h{n}": {"id"} for n in range(1, 7)},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_URL_ATTRS = {"href", "src", "cite"}
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")


def clean(html: str) -> str:
    """Keep the allowlist, drop everything else (text of dropped tags kept)."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(CONTENT_DROPPED),
        attributes={tag: set(attrs) for tag, attrs in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        # Links keep the rel the template or editor chose; Ammonia's default
        # would add "noopener noreferrer" to every internal link too.
        link_rel=None,
        strip_comments=True,
    )


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _note(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self._note(f"<{tag}>")
            return
        allowed = ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self._note(f"{name}=" if not name.startswith("on") else f"{name}=（事件处理）")
            elif name in _URL_ATTRS and value:
                match = _SCHEME.match(value)
                if match and match.group(1).lower() not in URL_SCHEMES:
                    self._note(f"{match.group(1).lower()}: 网址")

    handle_startendtag = handle_starttag


def dropped(html: str) -> list[str]:
    """What `clean()` would remove from html, each named once, in order."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
