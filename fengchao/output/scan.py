"""What an output page links to and which ids it offers.

The link check (check/output_links.py) judges these scans; the render
workers make them (render/pages.py) where the page's bytes already are, so a
cold build parses its pages on every core instead of in one process.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from fengchao.digests import Memo

# Attributes that make the browser fetch or navigate (what a 404 would break).
LINK_ATTRS = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "use": ("href", "xlink:href"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "form": ("action",),
}
# <link rel> values that are hints to other origins, not documents of ours.
_HINT_RELS = {"preconnect", "dns-prefetch"}


@dataclass(frozen=True)
class PageLinks:
    """What one HTML page offers (ids) and asks for (links with their line)."""

    ids: frozenset
    # Each link's URL and its line in the output file, as two flat tuples:
    # a cached scan unpickles ~4× faster than one (url, line) pair per link.
    hrefs: tuple
    lines: tuple

    @property
    def links(self) -> tuple:
        """((url, line), ...)"""
        return tuple(zip(self.hrefs, self.lines))


# Jinja and Markdown escape "<" in text, so a start tag is always a real tag;
# comments and <script>/<style> bodies are consumed whole so nothing inside
# them counts. A regex scan is ~10× faster than html.parser on 3,000 pages.
_TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(?P<raw>script|style)\b(?P<rawattrs>[^>]*)>.*?</(?P=raw)\s*>"
    r"|<(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
    re.S | re.I,
)
_ATTR = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    # findall's tuples, not match objects: ~⅓ faster over a site's tags. An
    # empty quoted value and a bare attribute both read as "".
    for name, double, single, bare in _ATTR.findall(text):
        value = double or single or bare
        name = name.lower()
        if name not in out:
            out[name] = html.unescape(value) if "&" in value else value
    return out


def scan_html(data: bytes, intern=None) -> PageLinks:
    """`intern`: a dict shared by many scans, so a link repeated on every
    page is one string (in memory and in the pickled cache)."""
    intern = {} if intern is None else intern
    text = data.decode("utf-8", errors="replace")
    ids: set[str] = set()
    hrefs: list[str] = []
    lines: list[int] = []
    line, pos = 1, 0
    # A cold build scans every page (~500,000 tags for 2,000 articles): the
    # loop leaves most tags (li, p, span …) after a group lookup and two
    # substring tests.
    for m in _TOKEN.finditer(text):
        tag, raw_attrs = m.group(3, 4)  # tag, attrs
        if tag is None:
            tag, raw_attrs = m.group(1, 2)  # raw, rawattrs
            if tag is None:  # a comment
                continue
        if not raw_attrs or "=" not in raw_attrs:
            continue
        wanted = LINK_ATTRS.get(tag) or LINK_ATTRS.get(tag.lower())
        if not wanted and "id=" not in raw_attrs and "name=" not in raw_attrs:
            continue
        attrs = _attrs(raw_attrs)
        if attrs.get("id"):
            ids.add(attrs["id"])
        if wanted is None:
            continue
        tag = tag.lower()
        if tag == "a":
            if attrs.get("name"):
                ids.add(attrs["name"])
        elif tag == "link" and _HINT_RELS & set(attrs.get("rel", "").lower().split()):
            continue
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        for name in wanted:
            value = attrs.get(name)
            if value is not None:
                hrefs.append(intern.setdefault(value, value))
                lines.append(line)
        if tag in ("img", "source") and attrs.get("srcset"):
            for candidate in attrs["srcset"].split(","):
                if candidate.strip():
                    hrefs.append(candidate.split()[0])
                    lines.append(line)
    return PageLinks(frozenset(ids), tuple(hrefs), tuple(lines))


def scan_pages(files) -> dict[str, PageLinks]:
    """Every rendered .html file of [(rel, bytes)] → its ids and links."""
    intern: dict = {}
    return {rel: scan_html(data, intern) for rel, data in files if rel.endswith(".html")}


def scan_output(rendered, reused, keys: dict, memo: Memo | None, scanned: dict | None = None) -> dict[str, PageLinks]:
    """Like scan_pages over `rendered` [(rel, bytes)] and `reused` [(rel,
    file of the last output)], parsing only pages whose render key (`keys`)
    has no scan in `memo`: the key fixes the bytes, so the scan is the same.
    `scanned`: pages the render workers already parsed (rel → PageLinks)."""
    intern: dict = {}
    pages: dict[str, PageLinks] = {}
    scanned = scanned or {}
    for rel, data in list(rendered) + list(reused):
        if not rel.endswith(".html"):
            continue
        key = keys.get(rel)
        scan = scanned.get(rel) or (memo.previous.get(key) if memo is not None and key else None)
        if scan is None:
            scan = scan_html(data if isinstance(data, bytes) else Path(data).read_bytes(), intern)
        if memo is not None and key:
            memo.used[key] = scan
        pages[rel] = scan
    return pages
