"""The site's images: every raster file content shows, processed once.

Assemble calls `prepare_images` after the Markdown is converted. It finds
every image content references — a Markdown image in a news article, guide,
page or station note, an article's cover (`image`), a station's `photos` —
processes each source once (fengchao/images/: upright, no metadata, WebP with
a JPEG/PNG fallback in a few widths, a share image, a thumbnail), in the
worker pool when there are several and from `warm.images` (the build cache,
by the source's bytes and the settings) when an earlier build made them (a
source whose file's stat is known, `warm.image_sources`, is not even read), and
returns an `ImageBook` the page families ask for markup, and the files to
publish. The sources themselves are never published: a phone photo's GPS
position stays on the editor's computer.

A source that cannot be used (corrupt, truncated, empty, not an image, a
decompression bomb) is an error at the line that references it, so the
build writes nothing (an SVG with a script never gets here: loading
content/ refused it, content/svg_check.py); one that is merely too large,
or a cover too narrow to look sharp, is a warning.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, unquote

from fengchao.images import ImageFailure, ImageSettings, Processed, figure_html, inspect_svg, picture_html, svg_html
from fengchao.images import process as processing
from fengchao.images.results import SvgInfo
from fengchao.pool import pool_for
from fengchao.problems import Problem
from fengchao.site.jobs import Ctx, RawFile

RASTER = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic", ".heif")
SETTINGS = ImageSettings()
# How wide images are shown (assets/site.css: `.wrap` is at most 46rem with
# 1rem of padding each side, so the column is at most 44rem).
BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
CARD_SIZES = "6rem"
# The checker's thresholds: bigger sources are slow to process and to upload.
LARGE_BYTES = 8 * 1024 * 1024
LARGE_SIDE = 8000
_IMG = re.compile(r"(<p>)?<img ([^>]*)>(</p>)?")
_LINK = re.compile(r'<a ([^>]*)href="([^"]*)"')
_ATTR = re.compile(r'([a-z-]+)="([^"]*)"')


@dataclass(frozen=True)
class Use:
    """One place content shows an image: where, for messages."""

    rel: str  # content-relative path of the source
    path: str  # the referencing file, as shown to the editor
    line: int
    role: str  # "body", "cover" or "photo"


@dataclass
class ImageBook:
    """The processed images of one build, by source path, and their markup."""

    base_path: str
    origin: str
    processed: dict[str, Processed] = field(default_factory=dict)
    svgs: dict[str, SvgInfo] = field(default_factory=dict)
    photo_keys: tuple = ()  # (source, key) of the station photos: the station directory's memo depends on them
    covers: frozenset = frozenset()  # covers and first station photos: only they publish a thumbnail and a share image

    def url(self, rel: str, rendition) -> str:
        return self.base_path + quote(self._out(rel, rendition))

    def _out(self, rel: str, rendition) -> str:
        folder, name = posixpath.split(rel)
        stem = posixpath.splitext(name)[0]
        return posixpath.join(folder, self.processed[rel].file_name(stem, rendition))

    def picture(self, rel: str | None, alt: str, sizes: str = BODY_SIZES, *, first: bool = False, thumb: bool = False) -> str:
        """Markup for a source, or "" when it is not an image this build processed."""
        if rel in self.processed:
            image = self.processed[rel]
            return picture_html(image, lambda r: self.url(rel, r), alt, sizes, first=first, thumb=thumb, fallback_width=SETTINGS.fallback_width)
        if rel in self.svgs:
            return svg_html(self.base_path + quote(rel), alt, self.svgs[rel], first=first)
        return ""

    def share(self, rel: str | None) -> tuple[str, int, int] | None:
        """(absolute URL, width, height) of a source's share image."""
        if rel not in self.processed:
            return None
        share = self.processed[rel].share
        return self.origin + self.url(rel, share), share.width, share.height

    def files(self) -> list[RawFile]:
        made = []
        for rel, image in sorted(self.processed.items()):
            shown = image.all_files() if rel in self.covers else image.renditions
            made += [RawFile(self._out(rel, r), r.data) for r in shown]
        return made

    def rewrite(self, body_html: str, first: bool) -> str:
        """A converted body with each processed image as a `<picture>`, and
        an image with a title alone in its paragraph as a `<figure>`."""
        seen = [not first]

        def replace(match: re.Match) -> str:
            attributes = {name: html.unescape(value) for name, value in _ATTR.findall(match.group(2))}
            rel = self.rel_of(attributes.get("src", ""))
            markup = self.picture(rel, attributes.get("alt", ""), first=not seen[0]) if rel else ""
            if not markup:
                return match.group(0)
            seen[0] = True
            title = attributes.get("title", "")
            if match.group(1) and match.group(3):  # alone in its paragraph
                return figure_html(markup, title) if title else f"<p>{markup}</p>"
            return (match.group(1) or "") + markup + (match.group(3) or "")

        def relink(match: re.Match) -> str:
            # A link to a photo opens its largest processed copy: the source is not published.
            rel = self.rel_of(html.unescape(match.group(2)))
            if rel not in self.processed:
                return match.group(0)
            largest = self.processed[rel].in_format(self.processed[rel].formats()[-1])[-1]
            return f'<a {match.group(1)}href="{html.escape(self.url(rel, largest))}"'

        return _LINK.sub(relink, _IMG.sub(replace, body_html))

    def rel_of(self, src: str) -> str | None:
        if not src.startswith(self.base_path):
            return None
        rel = unquote(src[len(self.base_path) :].split("?")[0].split("#")[0])
        return rel if rel in self.processed or rel in self.svgs else None


def is_raster(rel: str) -> bool:
    return rel.lower().endswith(RASTER)


def body_uses(ctx: Ctx, bodies: list[tuple[str, str, str, int]], static: dict[str, Path]) -> list[Use]:
    """The images each converted body shows, with the Markdown line of each."""
    uses = []
    base = ctx.config.base_path
    for body, source_rel, shown, body_line in bodies:
        rendered, _ = ctx.markdown.render(body, source_rel, shown, body_line)
        for match in _IMG.finditer(rendered.html):
            src = html.unescape(dict(_ATTR.findall(match.group(2))).get("src", ""))
            rel = unquote(src[len(base) :]) if src.startswith(base) else ""
            if rel in static and (is_raster(rel) or rel.lower().endswith(".svg")):
                uses.append(Use(rel, shown, _line_of(body, rel, body_line), "body"))
        for match in _LINK.finditer(rendered.html):
            href = html.unescape(match.group(2))
            rel = unquote(href[len(base) :].split("#")[0].split("?")[0]) if href.startswith(base) else ""
            if rel in static and is_raster(rel):
                uses.append(Use(rel, shown, _line_of(body, rel, body_line), "link"))
    return uses


def _line_of(body: str, rel: str, body_line: int) -> int:
    name = posixpath.basename(rel)
    for offset, text in enumerate(body.split("\n")):
        if name in unquote(text):
            return body_line + offset
    return body_line


def prepare_images(ctx: Ctx, uses: list[Use], static: dict[str, Path], warm) -> tuple[ImageBook, list[Problem]]:
    """Process every source in `uses` (once each), and the problems of each use."""
    book = ImageBook(ctx.config.base_path, ctx.config.origin)
    problems: list[Problem] = []
    rels = sorted({u.rel for u in uses})
    failures: dict[str, str] = {}
    for rel in (r for r in rels if not is_raster(r)):
        info = inspect_svg(static[rel].read_bytes())
        if isinstance(info, ImageFailure):
            failures[rel] = info.message
        else:  # inert: content/svg_check.py refused any other SVG when content/ was loaded
            book.svgs[rel] = info
    results = _process([r for r in rels if is_raster(r)], static, warm)
    for rel, result in results.items():
        if isinstance(result, ImageFailure):
            failures[rel] = result.message
        else:
            book.processed[rel] = result
    for use in uses:
        problems += _use_problems(use, failures.get(use.rel), book.processed.get(use.rel))
    return book, problems


def _use_problems(use: Use, failure: str | None, image: Processed | None) -> list[Problem]:
    where = f"图片 content/{use.rel}："
    if failure:
        return [Problem(use.path, use.line, where + failure)]
    if image is None:
        return []
    found = [Problem(use.path, use.line, where + note, "warning") for note in image.notes]
    if image.source_bytes > LARGE_BYTES or max(image.source_width, image.source_height) > LARGE_SIDE:
        found.append(
            Problem(
                use.path,
                use.line,
                f"{where}原图很大（{image.source_width}×{image.source_height} 像素，{image.source_bytes / 1048576:.1f} MB），"
                "处理慢、仓库也会变大；请换一张长边 4000 像素以内、8 MB 以内的照片（手机分享时选“原图”以外的尺寸即可）",
                "warning",
            )
        )
    widest = max(SETTINGS.widths)
    if use.role == "cover" and image.source_width < widest:
        found.append(
            Problem(
                use.path,
                use.line,
                f"{where}封面只有 {image.source_width} 像素宽，网页上最宽按 {widest} 像素显示，会发虚；请换一张至少 {widest} 像素宽的图片",
                "warning",
            )
        )
    return found


def _process(rels: list[str], static: dict[str, Path], warm) -> dict[str, Processed | ImageFailure]:
    """Each source's result: from the memo by key, the rest in the pool."""
    settings_digest = SETTINGS.digest()
    memo, sources = getattr(warm, "images", None), getattr(warm, "image_sources", None)
    datas: dict[str, bytes] = {}  # the sources read: those whose stat was not in `sources`
    keys = {rel: processing.key_of(_source_digest(rel, static[rel], sources, datas), settings_digest) for rel in rels}
    results: dict[str, Processed | ImageFailure] = {}
    missing = []
    for rel in rels:
        hit = memo.previous.get(keys[rel]) if memo is not None else None
        if hit is not None:
            results[rel] = hit
        else:
            missing.append(rel)
    if missing:
        datas.update({rel: static[rel].read_bytes() for rel in missing if rel not in datas})
        with pool_for(warm.pool) as workers:
            made = workers.map(_processor, (settings_digest,), [datas[rel] for rel in missing], len(missing), largest=1, enough=2)
            results.update(zip(missing, made, strict=True))
    if memo is not None:
        for rel in rels:
            if isinstance(results[rel], Processed):  # failures are cheap to find again, and not kept
                memo.used[keys[rel]] = results[rel]
    return results


def _source_digest(rel: str, path: Path, sources, datas: dict[str, bytes]) -> bytes:
    """The digest of a source's bytes: from `sources` while its file's stat is
    unchanged (not read: ~8 ms a camera photo), else read (kept in `datas`) and hashed."""

    def read() -> bytes:
        datas[rel] = path.read_bytes()
        return processing.source_digest(datas[rel])

    return sources.by_stat(str(path), path.stat(), read) if sources is not None else read()


def _processor(settings_digest: str):
    def run(datas: list[bytes]) -> list:
        return [processing.process_image(data, SETTINGS, settings_digest) for data in datas]

    return run


def site_images(ctx: Ctx, records, articles: tuple, bodies: list, warm) -> tuple[ImageBook, list[Problem]]:
    """Every image the published content shows, processed; the converted
    bodies in `ctx.markdown`'s memo rewritten to show them as `<picture>`."""
    static = {s.rel: s.source for s in records.static}
    uses = body_uses(ctx, bodies, static)
    covered, covers = set(), set()
    for article in articles:
        rel = _resolved(ctx, article.image, article.source_rel, static) if article.image else None
        if rel:
            uses.append(Use(rel, article.where.path, article.image_line, "cover"))
            covered.add(article.source_rel)
            covers.add(rel)
    for station in records.stations:
        for index, photo in enumerate(station.photos):
            rel = _resolved(ctx, photo.src, "stations/notes.yaml", static)
            if rel:
                uses.append(Use(rel, station.where.path, photo.line or station.where.line, "photo"))
                if index == 0:  # shown small on the station's card too
                    covers.add(rel)
    book, problems = prepare_images(ctx, uses, static, warm)
    book.covers = frozenset(covers)
    station_files = {s.where.path for s in records.stations}
    shown_there = {u.rel for u in uses if u.path in station_files}
    book.photo_keys = tuple(sorted((rel, book.processed[rel].key) for rel in shown_there if rel in book.processed))
    for item in bodies:
        rendered, found = ctx.markdown.render(*item)
        # The first image of a page is fetched first, unless a cover is above it.
        shown = book.rewrite(rendered.html, first=item[1] not in covered and item[1] != "stations/notes.yaml")
        if shown != rendered.html:
            ctx.markdown.remember(item, replace(rendered, html=shown), found)
    return book, problems


def _resolved(ctx: Ctx, target: str, source_rel: str, static: dict) -> str | None:
    href, problem = ctx.markdown.links.resolve(target, source_rel)
    base = ctx.config.base_path
    rel = unquote(href[len(base) :]) if not problem and href.startswith(base) else None
    return rel if rel in static and (is_raster(rel) or rel.lower().endswith(".svg")) else None
