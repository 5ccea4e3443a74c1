"""Markdown → HTML with site-aware links and readable Chinese anchors.

Editors write links the way they think of them: `/stations/gaoxin-001/` (from
the site's root) or `../guides/eye-check.md` (another content file). Both are
rewritten here to real URLs under base_url's path; a link to a content file
that does not exist is a problem with its line, not a 404 found later.
"""

from __future__ import annotations

import contextlib
import html
import posixpath
import re
import signal
import threading
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import markdown
from markdown.treeprocessors import Treeprocessor

from fengchao.markup import embeds
from fengchao.markup.quick import QuickTocExtension
from fengchao.markup.quick import install as install_quick_stages
from fengchao.markup.sanitize import clean, dropped
from fengchao.problems import Problem
from fengchao.text import heading_anchor, plain_text, text_stats

# A lookup of a station by an embed, as recorded in `MarkdownRenderer.lookups`.
STATION_LOOKUP = "\x00station:"
# The wording a body's embeds used: a cached body is reused only while it is the same.
WORDING_LOOKUP = "\x00wording"

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

# Markdown that can produce something the sanitizer removes: raw HTML or an
# autolink (`<`), attribute lists (`{`), a link or image with a scheme. Plain
# Markdown without these makes only allowed tags, so the (slower) finder that
# names removals for the editor is skipped for it.
_MAY_HOLD_UNSAFE = re.compile(r"[<{]|\]\(\s*<?[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*\[[^\]]+\]:", re.M)

# Python-Markdown's inline patterns are quadratic on some inputs (20,000
# unclosed `[` take a minute); a body that takes this long is hostile or
# broken, and the build says so instead of hanging. A 10 MB article of real
# text renders in under a second.
MAX_RENDER_SECONDS = 20.0


class _RenderTimeout(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the block after `seconds` (main thread on Unix only)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedBody:
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
    # What an embed may show of each station, by id (markup/embeds.py).
    stations: dict = field(default_factory=dict)
    # The wording embeds show readers, (strings key, text) (embeds.Words).
    wording: tuple = ()

    def answers(self, lookup: tuple, source_rel: str) -> bool:
        """Whether a lookup an earlier conversion made still gets the same answer."""
        target, href, problem = lookup
        if target.startswith(STATION_LOOKUP):
            return self.stations.get(target[len(STATION_LOOKUP) :]) == href
        if target == WORDING_LOOKUP:
            return self.wording == href
        return self.resolve(target, source_rel) == (href, problem)

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
        # File names may hold spaces and Chinese (照片 一.jpg): publish a
        # valid, percent-encoded URL to the copied file.
        return self.base_path + quote(joined) + suffix, None


# A backslash escape (`\.`) inside a link target is held by Python-Markdown
# as STX + the character's code + ETX; put back what the editor typed.
_ESCAPED = re.compile("\x02(\\d+)\x03")


def _as_typed(target: str) -> str:
    return _ESCAPED.sub(lambda m: "\\" + chr(int(m.group(1))), target)


class _Links(Treeprocessor):
    def __init__(self, md, owner: MarkdownRenderer):
        super().__init__(md)
        self.owner = owner

    def run(self, root):
        for element in root.iter():
            attr = {"a": "href", "img": "src"}.get(element.tag)
            # An <email@x> autolink's href is entity-obfuscated by Markdown
            # (placeholders for "&#109;…"): a mailto, not a path to resolve.
            if attr and element.get(attr) is not None and not element.get(attr).startswith(markdown.util.AMP_SUBSTITUTE):
                typed = _as_typed(element.get(attr))
                try:
                    urlsplit(typed)
                except ValueError:
                    self.owner.report(typed, f"链接或图片 '{typed}' 不是有效的网址：请检查其中的方括号 [ ] 和冒号")
                    continue
                if "\\" in typed:
                    # A Windows path (images\photo.png): no browser or host reads it as one.
                    self.owner.report(typed, f"链接或图片 '{typed}' 中有反斜杠（\\）：路径请用正斜杠 /，例如 '{typed.replace(chr(92), '/')}'")
                    continue
                href, problem = self.owner.resolve(typed)
                element.set(attr, href)
                if problem:
                    self.owner.report(element.get(attr), problem)
            if element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")


class MarkdownRenderer:
    """One reusable Python-Markdown converter (building one costs ~1 ms)."""

    def __init__(self, links: LinkMap, trusted: frozenset = frozenset()):
        self.links = links
        # Content-relative paths of files whose front matter says
        # `trusted_html: true`: their raw HTML is published as written.
        self.trusted = trusted
        self.source_rel = ""
        self._problems: list[Problem] = []
        self._body = ""
        self._shown = ""
        self._body_line = 1
        self._made: list[str] = []  # each embed's HTML, by placeholder number
        # Made on first use: when every body comes from the cache or a
        # worker, building one is waste (the first in a process also imports
        # the extensions: ~25 ms).
        self._converter: markdown.Markdown | None = None
        # Bodies converted ahead of time (in worker processes, or from the
        # build cache), by (body, source_rel, shown, body_line).
        self._done: dict[tuple, tuple[RenderedBody, list[Problem]]] = {}
        # Every link target the last conversion looked up: a cached result is
        # reused only while each still resolves the same way.
        self.lookups: list[tuple[str, str, str | None]] = []

    @property
    def _md(self) -> markdown.Markdown:
        if self._converter is not None:
            return self._converter
        self._converter = converter = markdown.Markdown(
            extensions=[
                "extra",
                "sane_lists",
                QuickTocExtension(slugify=lambda value, sep: heading_anchor(value, sep), toc_depth="2-4"),
            ],
            # Table alignment as `align`, not `style=`: the site's CSP has no
            # 'unsafe-inline' for styles.
            extension_configs={"extra": {"tables": {"use_align_attribute": True}}},
            output_format="html",
        )
        install_quick_stages(converter)
        converter.treeprocessors.register(_Links(converter, self), "fengchao_links", 1)
        # After whitespace is normalised (STX/ETX removed), before fenced code.
        converter.preprocessors.register(embeds.EmbedPreprocessor(converter, self), "fengchao_embeds", 28)
        return converter

    def resolve(self, target: str) -> tuple[str, str | None]:
        href, problem = self.links.resolve(target, self.source_rel)
        self.lookups.append((target, href, problem))
        return href, problem

    def station(self, station_id: str) -> embeds.StationRef | None:
        ref = self.links.stations.get(station_id)
        self.lookups.append((STATION_LOOKUP + station_id, ref, None))
        return ref

    def embed(self, kind: str, args: str, inner: list[str], offset: int) -> list[str]:
        """Markdown lines that stand for one embed; its problems reported at its lines."""
        words = embeds.Words(self.links.wording)
        self.lookups.append((WORDING_LOOKUP, self.links.wording, None))
        made, kept, problems = embeds.parse(kind, args, inner, self.station, words)
        for extra, message in problems:
            self._problems.append(Problem(self._shown, self._body_line + offset + extra, message))
        number = len(self._made)
        if made is not None:
            self._made.append(made)
            return ["", embeds.placeholder(number), ""]
        self._made.append(embeds.notice_open(kind, words))
        return ["", embeds.placeholder(number), "", *kept, "", embeds.placeholder(number, end=True), ""]

    def refuse(self, written: str, offset: int) -> None:
        self._problems.append(
            Problem(
                self._shown,
                self._body_line + offset,
                f"「{written} …」是别的网站程序（如 Hugo）的短代码，本站不认，会原样显示出来。请改用 > [!驿站] 站点id 这样的嵌入（见编辑手册 3.6 节）",
            )
        )

    def remember(self, key: tuple, rendered: RenderedBody, problems: list[Problem]) -> None:
        self._done[key] = (rendered, problems)

    def report(self, target: str, message: str) -> None:
        line = self._body_line
        for offset, text in enumerate(self._body.split("\n")):
            if target in text:
                line += offset
                break
        self._problems.append(Problem(self._shown, line, message))

    def _warn_dropped(self, removed: list[str]) -> None:
        lower = self._body.lower()
        first = removed[0].split("=")[0].split(":")[0].rstrip(">").lower()
        index = lower.find(first)
        line = self._body_line + (lower.count("\n", 0, index) if index >= 0 else 0)
        self._problems.append(
            Problem(
                self._shown,
                line,
                f"已删除不安全或不支持的 HTML：{'、'.join(removed[:10])}{' 等' if len(removed) > 10 else ''}。"
                "如确需原样发布，请由管理员在前置信息中设置 trusted_html: true",
                "warning",
            )
        )

    def render(self, body: str, source_rel: str, shown: str, body_line: int) -> tuple[RenderedBody, list[Problem]]:
        done = self._done.get((body, source_rel, shown, body_line))
        if done is not None:
            return done[0], list(done[1])
        self.source_rel, self._shown, self._body, self._body_line = source_rel, shown, body, body_line
        self._problems = []
        self._made = []
        self.lookups = []
        try:
            with _time_limit(MAX_RENDER_SECONDS):
                html = self._md.reset().convert(body)
        except RecursionError:
            self._problems.append(Problem(shown, body_line, "Markdown 嵌套过深（列表或引用套了太多层），无法生成。请减少缩进层数"))
            return RenderedBody("", ()), self._problems
        except _RenderTimeout:
            self._problems.append(
                Problem(
                    shown,
                    body_line,
                    f"正文生成超过 {MAX_RENDER_SECONDS:g} 秒的上限，已停止。常见原因是大量没有配对的 [ ] 或 ( )，请检查正文",
                )
            )
            return RenderedBody("", ()), self._problems
        if source_rel not in self.trusted:
            # Always clean: the finder only names what was removed, for the
            # editor; it is not what keeps readers safe.
            removed = dropped(html) if _MAY_HOLD_UNSAFE.search(body) else []
            html = clean(html)
            if removed:
                self._warn_dropped(removed)
        html, text_html = embeds.finish(html, self._made)
        headings = tuple(_flatten(getattr(self._md, "toc_tokens", [])))
        plain = plain_text(text_html)
        return RenderedBody(html, headings, plain, *text_stats(plain)), self._problems


def _flatten(tokens):
    for token in tokens:
        # toc's "name" is escaped HTML; the title is plain text (templates escape it once).
        yield Heading(token["level"], token["id"], html.unescape(re.sub(r"<[^>]+>", "", token["name"])))
        yield from _flatten(token.get("children", []))
