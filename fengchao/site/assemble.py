"""Stage 3, assemble: records → the whole site as a list of outputs.

Everything global happens here, once, before anything is rendered: which
records are published, every URL, Markdown bodies with their links resolved,
taxonomies, pagination, neighbours and cross-links. The result is a tuple of
`Job`s, each a template name plus a small explicit context, so rendering a
page is a pure function of its job (and can run in any process, in any order).
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Callable

from fengchao.site import station_pages as directory
from fengchao.site import feeds
from fengchao.site import guides
from fengchao.site import news
from fengchao.output import search_index as search
from fengchao.site import offline
from fengchao.content.config import SiteConfig
from fengchao.problems import Problem
from fengchao.site.headers import HEADERS_FILE, headers_file, tile_hosts
from fengchao.cache.store import Memo, context_digest, digest
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from fengchao.content.records import Records
from fengchao.pool import Pool
from fengchao.text import SlugBook, pinyin_slug
from fengchao.markup.batch import MarkdownCache, prerender
from fengchao.site.views import Figure, Link, PageMeta, SiteView

# Top-level names a free-standing page may not take.
RESERVED = {"news", "stations", "guides", "tags", "categories", "assets", "page", "search", "404", "pagefind"}


@dataclass(frozen=True)
class Job:
    """One HTML/XML page: rendered from `template` with exactly `context`."""

    path: str  # relative to the output root, e.g. "news/x/index.html"
    template: str
    context: dict
    lastmod: str | None = None  # ISO date for the sitemap
    in_sitemap: bool = True
    # context_digest(context), when known without pickling the context
    # again: set on the station directory's jobs as stored in the build cache.
    known_digest: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class RawFile:
    path: str
    data: bytes


@dataclass(frozen=True)
class CopyFile:
    path: str
    source: Path
    name: str = ""  # for a fingerprinted asset (assets/site.3f2a9c.css): its plain name, site.css


@dataclass(frozen=True)
class SiteModel:
    jobs: tuple[Job, ...]
    raw: tuple[RawFile, ...]
    copies: tuple[CopyFile, ...]


@dataclass(frozen=True)
class BuildOptions:
    now: datetime
    include_drafts: bool = False


@dataclass(frozen=True)
class Urls:
    base_path: str
    origin: str

    def page(self, rel: str) -> str:
        return self.base_path + rel

    def absolute(self, rel: str) -> str:
        return self.origin + self.base_path + rel


@dataclass(frozen=True)
class Ctx:
    """What every domain module needs to make its jobs."""

    config: SiteConfig
    urls: Urls
    site: SiteView
    options: BuildOptions
    markdown: MarkdownRenderer
    slug: Callable[[str], str] = pinyin_slug  # a SlugBook in a cached build

    def meta(self, title: str, rel: str, section: str, description: str = "", **extra) -> PageMeta:
        full = self.config.title if not title else f"{title} - {self.config.title}"
        crumbs = tuple(extra.pop("breadcrumbs", ()))
        if crumbs:
            crumbs = (Link("首页", self.urls.page("")),) + crumbs
        return PageMeta(full, description or self.config.description, self.urls.absolute(rel), section, crumbs, **extra)

    def job(self, rel_dir: str, template: str, meta: PageMeta, **context) -> Job:
        lastmod = context.pop("lastmod", None)
        path = rel_dir + "index.html" if rel_dir.endswith("/") or not rel_dir else rel_dir
        return Job(path, template, {"site": self.site, "page": meta, **context}, lastmod, not meta.noindex)


def is_public(draft: bool, date: datetime | None, expires: datetime | None, options: BuildOptions) -> bool:
    if options.include_drafts:
        return True
    if draft or (date is not None and date > options.now):
        return False
    return not (expires is not None and expires <= options.now)


def site_view(config: SiteConfig, urls: Urls, assets: dict[str, str], pages=()) -> SiteView:
    nav = (
        ("home", Link("首页", urls.page(""))),
        ("news", Link("新闻", urls.page("news/"))),
        ("stations", Link("找驿站", urls.page("stations/"))),
        ("guides", Link("办事指南", urls.page("guides/"))),
    )
    return SiteView(
        title=config.title, description=config.description, base_path=config.base_path,
        language=config.language, publisher=config.publisher, nav=nav,
        css_url=urls.page(assets.get("site.css", "assets/site.css")),
        icons_url=urls.page(assets.get("icons.svg", "assets/icons.svg")),
        feed_url=urls.page("feed.xml"), home_url=urls.page(""),
        footer_links=tuple(Link(p.title, urls.page(f"{p.slug}/")) for p in pages)
        + (Link("新闻归档", urls.page("news/archive/")), Link("订阅（RSS/Atom）", urls.page("feed.xml")),
           Link("站点数据（GeoJSON）", urls.page("stations/stations.geojson"))),
        elder_css_url=urls.page(assets.get("elder.css", "assets/elder.css")),
        elder_js_url=urls.page(assets.get("elder.js", "assets/elder.js")),
        # The switch needs its no-JavaScript fallback, the 长辈模式 page (content/pages/elder.md).
        elder_help_url=urls.page("elder/") if any(p.slug == "elder" for p in pages) else "",
        offline_js_url=urls.page(assets.get("offline.js", "assets/offline.js")), sw_url=urls.page("sw.js"),
        share_image_url=urls.absolute(assets["og-image.png"]) if "og-image.png" in assets else "",
    )


def assemble(
    records: Records, config: SiteConfig, options: BuildOptions, asset_files: tuple[CopyFile, ...],
    *, jobs: int | Pool = 1, markdown_cache: MarkdownCache | None = None, memo: dict | None = None,
    slugs: SlugBook | None = None, stored: Memo | None = None,
) -> tuple[SiteModel, list[Problem]]:
    """`memo`, kept by a long-running process (live.py), holds the last
    result of a domain whose inputs compare equal this time (the station
    directory: ~0.1 s for 624 stations, unchanged by an article edit).
    A command-line build passes the build cache's `slugs` and `stored`
    (the directory by a digest of its inputs) instead."""
    problems: list[Problem] = []
    urls = Urls(config.base_path, config.origin)

    articles = tuple(a for a in records.articles if is_public(a.draft, a.date, a.expires, options))
    guide_list = tuple(g for g in records.guides if is_public(g.draft, None, None, options))
    pages = tuple(p for p in records.pages if is_public(p.draft, None, None, options))
    for page in pages:
        if page.slug in RESERVED:
            problems.append(Problem(page.where.path, page.where.line, f"页面网址 {page.slug!r} 与站点栏目冲突，请换一个 slug"))
    pages = tuple(p for p in pages if p.slug not in RESERVED)

    doc_urls = {a.source_rel: f"news/{a.slug}/" for a in articles}
    doc_urls |= {g.source_rel: f"guides/{g.slug}/" for g in guide_list}
    doc_urls |= {p.source_rel: f"{p.slug}/" for p in pages}
    static_rel = frozenset(s.rel for s in records.static)
    links = LinkMap(config.base_path, doc_urls, static_rel)
    assets = {c.path.removeprefix("assets/"): c.path for c in asset_files}
    assets |= {c.name: c.path for c in asset_files if c.name}  # templates get the fingerprinted names
    ctx = Ctx(config, urls, site_view(config, urls, assets, pages), options, MarkdownRenderer(links, records.trusted_html),
              slugs or pinyin_slug)
    bodies = [(d.body, d.source_rel, d.where.path, d.body_line) for d in (*articles, *guide_list, *pages)]
    bodies += [(s.notes, "stations/notes.yaml", s.where.path, s.where.line) for s in records.stations if s.notes]
    prerender(ctx.markdown, bodies, jobs, markdown_cache, None if memo is None else memo.setdefault("markdown", {}))

    jobs: list[Job] = []
    raw: list[RawFile] = []
    news_part = news.assemble_news(ctx, articles, problems, None if memo is None else memo.setdefault("news", {}))
    jobs += news_part.jobs
    guide_part = guides.assemble_guides(ctx, guide_list, records.stations, problems)
    jobs += guide_part.jobs
    station_inputs = (config, urls, ctx.site, ctx.markdown.links, ctx.markdown.trusted, records.stations, guide_list)
    make_directory = lambda found: directory.assemble_directory(ctx, records.stations, guide_list, found)  # noqa: E731
    if stored is not None:
        station_part = _stored(stored, _canonical(station_inputs), problems, make_directory)
    else:
        station_part = _memoized(memo, "directory", station_inputs, problems, make_directory)
    jobs += station_part.jobs
    raw += station_part.raw
    jobs += guides.assemble_pages(ctx, pages, problems)
    jobs.append(home_job(ctx, news_part.latest, guide_part.topics, records, len(articles), len(guide_list)))
    jobs.append(not_found_job(ctx))
    jobs.append(search.search_job(ctx))
    jobs += feeds.feed_jobs(ctx, news_part.feed_entries, jobs)
    jobs.append(Job("sw.js", "sw.js", {"config": offline.sw_config(ctx, assets)}, in_sitemap=False))
    tiles = config.finder.tiles
    fingerprinted = tuple(c.path for c in asset_files if c.name)
    plain = tuple(c.path for c in asset_files if not c.name)
    hosts = tile_hosts(tiles.url, tiles.subdomains) if tiles else ()
    raw.append(RawFile(HEADERS_FILE, headers_file(hosts, fingerprinted, plain)))

    copies = [CopyFile(s.rel, s.source) for s in records.static] + list(asset_files)
    _check_collisions(jobs, raw, copies, problems)
    return SiteModel(tuple(jobs), tuple(raw), tuple(copies)), problems


def _memoized(memo: dict | None, name: str, inputs: tuple, problems: list[Problem], make):
    """make(problems), or its last result and problems if `inputs` == last time's."""
    known = memo.get(name) if memo is not None else None
    if known is not None and known[0] == inputs:
        problems += known[2]
        return known[1]
    found: list[Problem] = []
    result = make(found)
    problems += found
    if memo is not None:
        memo[name] = (inputs, result, tuple(found))
    return result


def _canonical(inputs: tuple) -> tuple:
    """The directory's inputs with every set sorted: pickled, equal inputs
    give equal bytes in every process (a set's order follows the
    per-process hash seed; everything else here is built in a fixed order)."""
    config, urls, site, links, trusted, stations, guides = inputs
    return (config, urls, site, links.base_path, tuple(links.doc_urls.items()), tuple(sorted(links.static)),
            tuple(sorted(trusted)), stations, guides)


def _stored(store: Memo, inputs: tuple, problems: list[Problem], make):
    """make(problems), or the result the last build stored for the same
    inputs (by content): the directory takes ~0.2 s for 624 stations, and a
    command-line edit of one article does not change it."""
    def made() -> tuple:
        found: list[Problem] = []
        # Through pickle as the next build will read it: a context's pickled
        # bytes depend on which objects are shared (one-letter strings, for
        # one), which a round trip changes; the digests are of these bytes,
        # so a build that makes the directory and one that reads it back
        # give its pages the same render keys.
        part, found = pickle.loads(pickle.dumps((make(found), tuple(found)), protocol=pickle.HIGHEST_PROTOCOL))
        # Each page's context digest is stored with it: pickling the 660
        # contexts again for their keys was ~45 ms of every article edit.
        jobs = tuple(replace(job, known_digest=context_digest(job.context)) for job in part.jobs)
        return replace(part, jobs=jobs), found

    known = store.reuse(digest(b"directory", pickle.dumps(inputs, protocol=5)), made)
    problems += known[1]
    return known[0]


def home_job(ctx: Ctx, latest, topics, records: Records, article_count: int, guide_count: int) -> Job:
    stations = records.stations
    real = [s for s in stations if not s.sample]
    districts = {s.district for s in stations}
    figures = []
    if ctx.config.program_total:
        figures.append(Figure(f"{ctx.config.program_total}", "处庆小驿温暖服务站", "全市总数"))
    figures.append(Figure(f"{len(real)}", "处已收录到本站", f"另有 {len(stations) - len(real)} 处示例" if len(real) < len(stations) else ""))
    figures.append(Figure(f"{len(districts)}", "个区县有收录站点"))
    figures.append(Figure(f"{guide_count}", "篇办事指南"))
    figures.append(Figure(f"{article_count}", "篇新闻"))
    meta = ctx.meta("", "", "home")
    return ctx.job(
        "", "home.html", meta, latest=latest, topics=topics, figures=tuple(figures), station_count=len(stations),
        station_charts=directory.home_charts(stations, ctx.config) if stations else (),
    )


def not_found_job(ctx: Ctx) -> Job:
    meta = ctx.meta("页面没有找到", "404.html", "", noindex=True)
    return ctx.job("404.html", "404.html", meta)


def _check_collisions(jobs, raw, copies, problems: list[Problem]) -> None:
    owners: dict[str, str] = {}
    for item in [*jobs, *raw, *copies]:
        who = str(getattr(item, "source", "")) or item.path
        if item.path in owners:
            problems.append(Problem(who, 0, f"输出文件 {item.path} 会被生成两次（与 {owners[item.path]} 冲突），请改名"))
        owners.setdefault(item.path, who)
