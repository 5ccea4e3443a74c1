"""Markdown → HTML with site-aware links and readable Chinese anchors.

Editors write links the way they think of them: `/stations/gaoxin-001/` (from
the site's root) or `../guides/eye-check.md` (another content file). Both are
rewritten here to real URLs under base_url's path; a link to a content file
that does not exist is a problem with its line, not a 404 found later.
"""
from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

from .errors import Problem
from .text import count_chars, heading_anchor, plain_text, reading_minutes

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    # Text statistics, computed where the body is converted (in a worker, and
    # cached with it) rather than again for every article on every build.
    plain: str = ""
    char_count: int = 0
    reading_minutes: int = 1


@dataclass(frozen=True)
class LinkMap:
    """What a link in content can point at."""

    base_path: str  # "/hub/"
    doc_urls: dict  # content-relative source path → site-relative URL ("news/x/")
    static: frozenset  # content-relative paths of copied files

    def resolve(self, target: str, source_rel: str) -> tuple[str, str | None]:
        """Return (href to publish, problem message or None)."""
        target = target.strip()
        if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
            return target, None
        parts = urlsplit(target)
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        path = unquote(parts.path)
        if path.startswith("/"):
            return self.base_path + path.lstrip("/") + suffix, None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(source_rel), path))
        if joined == ".." or joined.startswith("../"):
            return target, f"链接 {target!r} 指向内容文件夹之外"
        if joined.endswith(".md"):
            url = self.doc_urls.get(joined)
            if url is None:
                return target, f"链接 {target!r} 指向的文件 content/{joined} 不存在（或是草稿、尚未发布）"
            return self.base_path + url + suffix, None
        if joined not in self.static and posixpath.splitext(joined)[1]:
            return target, f"链接或图片 {target!r} 指向的文件 content/{joined} 不存在"
        return self.base_path + joined + suffix, None


class _Links(Treeprocessor):
    def __init__(self, md, owner: "MarkdownRenderer"):
        super().__init__(md)
        self.owner = owner

    def run(self, root):
        for element in root.iter():
            attr = {"a": "href", "img": "src"}.get(element.tag)
            if attr and element.get(attr) is not None:
                href, problem = self.owner.resolve(element.get(attr))
                element.set(attr, href)
                if problem:
                    self.owner.report(element.get(attr), problem)
            if element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")


class MarkdownRenderer:
    """One reusable Python-Markdown converter (building one costs ~1 ms)."""

    def __init__(self, links: LinkMap):
        self.links = links
        self.source_rel = ""
        self._problems: list[Problem] = []
        self._body = ""
        self._shown = ""
        self._body_line = 1
        self._md = markdown.Markdown(
            extensions=[
                "extra",
                "sane_lists",
                TocExtension(slugify=lambda value, sep: heading_anchor(value, sep), toc_depth="2-4"),
            ],
            output_format="html",
        )
        self._md.treeprocessors.register(_Links(self._md, self), "fengchao_links", 1)
        # Bodies converted ahead of time (in worker processes, or from the
        # build cache), by (body, source_rel, shown, body_line).
        self._done: dict[tuple, tuple[Rendered, list[Problem]]] = {}
        # Every link target the last conversion looked up: a cached result is
        # reused only while each still resolves the same way.
        self.lookups: list[tuple[str, str, str | None]] = []

    def resolve(self, target: str) -> tuple[str, str | None]:
        href, problem = self.links.resolve(target, self.source_rel)
        self.lookups.append((target, href, problem))
        return href, problem

    def remember(self, key: tuple, rendered: Rendered, problems: list[Problem]) -> None:
        self._done[key] = (rendered, problems)

    def report(self, target: str, message: str) -> None:
        line = self._body_line
        for offset, text in enumerate(self._body.split("\n")):
            if target in text:
                line += offset
                break
        self._problems.append(Problem(self._shown, line, message))

    def render(self, body: str, source_rel: str, shown: str, body_line: int) -> tuple[Rendered, list[Problem]]:
        done = self._done.get((body, source_rel, shown, body_line))
        if done is not None:
            return done[0], list(done[1])
        self.source_rel, self._shown, self._body, self._body_line = source_rel, shown, body, body_line
        self._problems = []
        self.lookups = []
        html = self._md.reset().convert(body)
        headings = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        plain = plain_text(html)
        return Rendered(html, headings, plain, count_chars(plain), reading_minutes(plain)), self._problems


def _flatten(tokens):
    for token in tokens:
        # toc's "name" is escaped HTML; the title is plain text (templates escape it once).
        yield Heading(token["level"], token["id"], html.unescape(re.sub(r"<[^>]+>", "", token["name"])))
        yield from _flatten(token.get("children", []))
