"""The built site's own links, checked before it is written.

Links in Markdown to other content files are checked at assemble time
(markup/markdown.py); this checks what a reader actually gets: every href/src on every
rendered HTML page must land on a file of the output (a URL ending in "/"
means its index.html), every #fragment must name an id on the target page
(or a symbol in the SVG sprite), and no link may leave base_url's path, since
a site deployed under a sub-path (GitHub/GitLab project pages) 404s there.

A problem points at the SOURCE line when the link is in an article, guide or
page body, and otherwise at the output file and line (a template's link, with
the template named), said once however many pages repeat it.

Incremental (with the build cache's memos): a page's scan is kept by its
render key, which fixes its bytes, so only re-rendered pages are parsed; a
page's broken links are kept by (render key, digest of every target of the
site: paths, ids, SVG sprites), so an unchanged page is judged again only
when some target changed — a page this build removed, a heading renamed.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from fengchao.content.records import Records
from fengchao.digests import Memo, digest
from fengchao.output.scan import PageLinks, scan_pages
from fengchao.problems import Problem
from fengchao.site import urls as scheme


@dataclass(frozen=True)
class Source:
    """The content file a page came from, to point an editor at a line."""

    path: str  # as shown: relative to the project
    body: str
    body_line: int
    file: Path | None = None  # read only when a link is not in the body (front matter)

    def line_of(self, needles: list[str]) -> tuple[int, str] | None:
        """(line in the file, the needle found), trying needles in order:
        the body first, then the whole file (a cover image in front matter)."""
        found = _search(self.body.split("\n"), needles)
        if found:
            return self.body_line + found[0], found[1]
        if self.file is not None:
            try:
                lines = self.file.read_text(encoding="utf-8-sig").split("\n")
            except (OSError, UnicodeDecodeError):
                return None
            found = _search(lines, needles)
            if found:
                return 1 + found[0], found[1]
        return None


def _search(lines: list[str], needles: list[str]) -> tuple[int, str] | None:
    for needle in needles:
        if not needle:
            continue
        for offset, text in enumerate(lines):
            if needle in text:
                return offset, needle
    return None


def page_sources(records: Records, root: Path | None = None) -> dict[str, Source]:
    """Output page → its content file, by the site's URL scheme."""
    out: dict[str, Source] = {}
    for url_of, items in ((scheme.article, records.articles), (scheme.guide, records.guides), (scheme.page, records.pages)):
        for item in items:
            file = root / item.where.path if root is not None else None
            out[scheme.file_of(url_of(item.slug))] = Source(item.where.path, item.body, item.body_line, file)
    return out


@dataclass(frozen=True)
class Target:
    """A link taken apart: is it ours, which path under the site, which fragment."""

    kind: str  # "internal", "external" or "skip"
    path: str = ""  # decoded URL path, e.g. "/hub/news/x/"
    fragment: str = ""


# A site-absolute path with nothing urljoin would change (no dot segment,
# query, escape, backslash or space): most links of a page, judged without it.
_PLAIN_PATH = re.compile(r"/(?!/)[^?#%\\\s]*(?:#[^#%\s]*)?")


def classify(href: str, page_url: str, origin: str) -> Target:
    """page_url: the page's own path ("/hub/news/x/"); origin: "https://example.org"."""
    href = href.strip()
    if not href:
        return Target("skip")
    if _PLAIN_PATH.fullmatch(href):
        path, _, fragment = href.partition("#")
        if "/." not in path:
            return Target("internal", path, fragment)
    if href.startswith("#"):
        return Target("internal", unquote(page_url), unquote(href[1:]))
    try:
        parts = urlsplit(href)
    except ValueError:  # a broken IPv6 literal: reported where it was written (markup/markdown.py)
        return Target("skip")
    if parts.scheme and parts.scheme not in ("http", "https"):
        return Target("skip")  # mailto:, tel:, data:, javascript: …
    if parts.netloc:
        if parts.netloc.lower() != urlsplit(origin).netloc.lower():
            return Target("external")
        return Target("internal", unquote(parts.path) or "/", unquote(parts.fragment))
    joined = urlsplit(urljoin("http://site" + page_url, href))
    return Target("internal", unquote(joined.path) or "/", unquote(joined.fragment))


def page_url(rel: str, base_path: str) -> str:
    """news/x/index.html → /hub/news/x/; 404.html → /hub/404.html."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base_path + rel


class OutputLinks:
    """Checks links against the whole output: pages, raw files and copies."""

    def __init__(self, pages: dict[str, PageLinks], paths: set[str], copies: dict[str, Path], base_path: str, origin: str):
        self.pages, self.paths, self.copies = pages, paths, copies
        self.base_path, self.origin = base_path, origin
        self._svg_ids: dict[str, frozenset] = {}
        self._seen: dict = {}

    def problem(self, page: str, href: str) -> tuple[str, str, str] | None:
        """(severity, kind, detail) for a broken internal link on `page`, else None."""
        # Most links (navigation, CSS, icons) are the same on every page and
        # do not depend on where they appear: judge each of those once.
        key = href if href.startswith("/") or "://" in href else (page, href)
        if key not in self._seen:
            self._seen[key] = self._judge(page, href)
        return self._seen[key]

    def _judge(self, page: str, href: str) -> tuple[str, str, str] | None:
        target = classify(href, page_url(page, self.base_path), self.origin)
        if target.kind != "internal":
            return None
        if page == "404.html" and not href.strip().startswith(("/", "#", "http:", "https:")):
            # Hosts serve 404.html at whatever address was missing, so a
            # relative link on it resolves differently on every 404.
            return "error", "relative404", ""
        path = posixpath.normpath(target.path)
        if target.path.endswith("/") and not path.endswith("/"):
            path += "/"
        if not path.startswith(self.base_path) and path + "/" != self.base_path:
            return "error", "outside", self.base_path
        rel = path[len(self.base_path) :] if path.startswith(self.base_path) else ""
        file = rel + "index.html" if rel == "" or rel.endswith("/") else rel
        if file not in self.paths:
            if file + "/index.html" in self.paths:
                return "warning", "slash", path + "/"
            return "error", "missing", path
        if target.fragment and target.fragment.lower() != "top":
            ids = self._ids(file)
            if ids is not None and target.fragment not in ids:
                return "error", "anchor", f"#{target.fragment} 在 {path}"
        return None

    def _ids(self, file: str) -> frozenset | None:
        if file in self.pages:
            return self.pages[file].ids
        if file.endswith(".svg") and file in self.copies:
            if file not in self._svg_ids:
                try:
                    self._svg_ids[file] = frozenset(el.get("id") for el in ET.parse(self.copies[file]).iter() if el.get("id"))
                except (ET.ParseError, OSError):
                    self._svg_ids[file] = frozenset()
            return self._svg_ids[file]
        return None  # a PDF or image: a fragment there is not ours to check


def message(kind: str, href: str, detail: str, from_source: bool) -> str:
    if kind == "outside":
        fix = "Markdown 里的站内链接请以 / 开头写（fengchao 会加上网站路径）" if from_source else "模板里的链接请以 {{ site.base_path }} 开头"
        return f"链接 {href!r} 在网站路径 {detail} 之外，部署到子路径（如 GitHub Pages 项目页）后会打不开：{fix}"
    if kind == "relative404":
        return f"404 页面里的链接 {href!r} 是相对地址：404 页面会显示在任意网址下，链接必须以 / 开头（模板里用 {{{{ site.base_path }}}}）"
    if kind == "slash":
        return f"链接 {href!r} 少了结尾的 /，打开时会多一次跳转（请写成 {detail}）"
    if kind == "anchor":
        return f"链接 {href!r} 的锚点 {detail} 上不存在（标题改过了吗？）"
    return f"链接 {href!r} 指向的 {detail} 在生成的网站中不存在（会显示 404）"


def locate(page: str, href: str, sources: dict[str, Source], base_path: str) -> tuple[Source, int, str] | None:
    """(source, line, what the editor wrote) when the link is in a body."""
    source = sources.get(page)
    if source is None:
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    needles = [href]
    if parts.path.startswith(base_path) and not parts.netloc:
        needles.append("/" + parts.path[len(base_path) :] + (f"#{parts.fragment}" if parts.fragment else ""))
    if parts.fragment:
        needles += [f"#{parts.fragment}", f"#{unquote(parts.fragment)}"]
    found = source.line_of(needles)
    return (source, found[0], found[1] if found[1] in needles[:2] else href) if found else None


def targets_digest(pages: dict[str, PageLinks], paths: set[str], copies: dict[str, Path], base_path: str, origin: str) -> str:
    """Of everything OutputLinks consults to judge a link: base path and
    origin, every output path, every page's ids and every SVG's bytes."""
    parts = [base_path, origin, "\0".join(sorted(paths))]
    parts += [rel + "\0" + "\0".join(sorted(pages[rel].ids)) for rel in sorted(pages)]
    for rel in sorted(c for c in copies if c.endswith(".svg")):
        try:
            parts += [rel, copies[rel].read_bytes()]
        except OSError as exc:  # _ids treats it as having no ids; the digest only has to differ
            parts += [rel, f"unreadable: {exc}"]
    return digest("link-targets", *parts)


def check_output(
    pages: dict[str, PageLinks],
    paths: set[str],
    copies: dict[str, Path],
    *,
    base_path: str,
    origin: str,
    sources: dict[str, Source],
    templates: dict[str, str],
    out_label: str,
    keys: dict | None = None,
    memo: Memo | None = None,
) -> list[Problem]:
    """Every broken internal link or anchor of the output, as Problems.

    With `keys` (page → render key) and `memo`, a page's broken links are
    reused while neither the page nor any target of the site changed."""
    checker = OutputLinks(pages, paths, copies, base_path, origin)
    site = targets_digest(pages, paths, copies, base_path, origin) if memo is not None and keys else ""
    problems: list[Problem] = []
    # A template's broken link repeats on every page: say it once, with a count.
    repeated: dict[tuple[str, str], list] = {}  # (severity, message) → [page, line, pages, templates]
    for page in sorted(pages):
        key = digest(keys[page], site) if site and page in keys else None
        broken = memo.previous.get(key) if key else None
        if broken is None:
            scan = pages[page]
            broken = tuple((href, line, *found) for href, line in zip(scan.hrefs, scan.lines) if (found := checker.problem(page, href)))
        if key:
            memo.used[key] = broken
        for href, line, severity, kind, detail in broken:
            located = locate(page, href, sources, base_path)
            if located:
                source, where, written = located
                problems.append(Problem(source.path, where, message(kind, written, detail, True), severity))
                continue
            entry = repeated.setdefault((severity, message(kind, href, detail, False)), [page, line, 0, set()])
            entry[2] += 1
            if page in templates:
                entry[3].add(templates[page])
    for (severity, text), (page, line, count, used) in repeated.items():
        names = "、".join(f"templates/{t}" for t in sorted(used)[:3]) + ("等" if len(used) > 3 else "")
        extra = f"（模板生成的链接，共 {count} 个页面，用到它的模板：{names}）" if names else ""
        problems.append(Problem(f"{out_label}/{page}", line, text + extra, severity))
    return sorted(set(problems))


def check_model(
    files, model, records: Records, config, out_label: str, extra_paths: frozenset = frozenset(), root: Path | None = None
) -> tuple[dict[str, PageLinks], list[Problem]]:
    """The pipeline's entry: rendered files + the model's raw files and copies.

    Everything the write stage will write must be known here; a stage that
    adds output files of its own (a search index, say) runs before this or
    passes their paths as `extra_paths`, else links to them are "missing"."""
    pages = scan_pages(files)
    paths = {rel for rel, _ in files} | set(extra_paths)
    return pages, check_scanned(pages, paths, model, records, config, out_label, root)


def check_scanned(
    pages: dict[str, PageLinks],
    paths: set[str],
    model,
    records: Records,
    config,
    out_label: str,
    root: Path | None,
    keys: dict | None = None,
    memo: Memo | None = None,
) -> list[Problem]:
    """check_model for pages already scanned (scan_output): `paths` are the
    rendered files' paths; the model's raw files and copies are added here."""
    paths = set(paths) | {r.path for r in model.raw} | {c.path for c in model.copies}
    copies = {c.path: c.source for c in model.copies}
    templates = {job.path: job.template for job in model.jobs}
    return check_output(
        pages,
        paths,
        copies,
        base_path=config.base_path,
        origin=config.origin,
        sources=page_sources(records, root),
        templates=templates,
        out_label=out_label,
        keys=keys,
        memo=memo,
    )
