"""Stage 3, assemble: records → the whole site as a list of outputs.

Everything global happens here, once, before anything is rendered: which
records are published, every URL, Markdown bodies with their links resolved,
taxonomies, pagination, neighbours and cross-links. The result is a tuple of
`Job`s, each a template name plus a small explicit context, so rendering a
page is a pure function of its job (and can run in any process, in any order).
"""

from __future__ import annotations

import pickle
import unicodedata
from dataclasses import replace

from fengchao.content.config import SiteConfig
from fengchao.content.identity import tint
from fengchao.content.records import Records
from fengchao.content.stations import wgs84
from fengchao.digests import Memo, context_digest, digest
from fengchao.markup.batch import prerender
from fengchao.markup.embeds import StationRef
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from fengchao.problems import Problem
from fengchao.site import admin, feeds, guides, news, offline, search_page
from fengchao.site import station_pages as directory
from fengchao.site import urls as scheme
from fengchao.site.assets import EDITOR_BUNDLE
from fengchao.site.headers import HEADERS_FILE, headers_file, tile_hosts
from fengchao.site.images import is_raster, site_images
from fengchao.site.jobs import BuildOptions, CopyFile, Ctx, Job, RawFile, SiteModel
from fengchao.site.open_data import GEOJSON_FILE
from fengchao.site.publish import is_public
from fengchao.site.redirects import redirect_files
from fengchao.site.urls import Urls
from fengchao.site.views import Figure, Link, SiteView
from fengchao.text import pinyin_slug
from fengchao.warm import COLD, Warm

# Top-level names a free-standing page may not take.
RESERVED = {"news", "stations", "guides", "tags", "categories", "assets", "page", "search", "404", "pagefind", "admin"}


def site_view(config: SiteConfig, urls: Urls, assets: dict[str, str], pages=()) -> SiteView:
    identity, text = config.identity, config.identity.strings
    footer = identity.footer_links
    if footer is None:
        footer = ((text.footer_archive, scheme.ARCHIVE), (text.footer_feed, scheme.FEED), (text.footer_open_data, GEOJSON_FILE))
    return SiteView(
        title=config.title,
        description=config.description,
        base_path=config.base_path,
        language=config.language,
        publisher=config.publisher,
        nav=menu(config, urls),
        css_url=urls.page(assets.get("site.css", "assets/site.css")),
        icons_url=urls.page(assets.get("icons.svg", "assets/icons.svg")),
        feed_url=urls.page(scheme.FEED),
        home_url=urls.page(""),
        footer_links=tuple(Link(p.title, urls.page(scheme.page(p.slug))) for p in pages)
        + tuple(Link(label, _href(urls, url)) for label, url in footer),
        elder_css_url=urls.page(assets.get("elder.css", "assets/elder.css")),
        elder_js_url=urls.page(assets.get("elder.js", "assets/elder.js")),
        # The switch needs its no-JavaScript fallback, the elder mode's page (content/pages/elder.md).
        elder_help_url=urls.page("elder/") if any(p.slug == "elder" for p in pages) else "",
        offline_js_url=urls.page(assets.get("offline.js", "assets/offline.js")),
        sw_url=urls.page("sw.js"),
        share_image_url=urls.absolute(assets["og-image.png"]) if "og-image.png" in assets else "",
        text=text,
        logo_url=urls.page(assets.get(identity.logo, "assets/" + identity.logo)) if identity.logo else "",
        accent_css_url=urls.page(accent_file(identity.accent)) if identity.accent else "",
        theme_color=identity.accent or SiteView.theme_color,
        publisher_logo=urls.absolute(
            assets.get(identity.logo, "assets/" + identity.logo) if identity.logo else assets.get("favicon.svg", "assets/favicon.svg")
        ),
    )


def menu(config: SiteConfig, urls: Urls) -> tuple[tuple[str, Link], ...]:
    """(section key, link) per menu item; a page marks the item of its section current.

    An item's key is its URL's first folder (news/ → "news"), "home" for the
    home page: every page of the news section marks 新闻, whatever its label."""
    text = config.identity.strings
    items = config.identity.menu
    if items is None:
        items = ((text.nav_home, ""), (text.nav_news, scheme.NEWS), (text.nav_stations, scheme.STATIONS), (text.nav_guides, scheme.GUIDES))
    nav = []
    for label, url in items:
        path = url.strip("/")
        key = "home" if not path else url if ":" in url else path.split("/")[0]
        nav.append((key, Link(label, _href(urls, url))))
    return tuple(nav)


def _href(urls: Urls, url: str) -> str:
    """A site path ("news/", "/news/") under the base path; a full URL as written."""
    return url if ":" in url or url.startswith("#") else urls.page(url.lstrip("/"))


def accent_file(accent: str) -> str:
    """The accent stylesheet's path: the colour in the name, so a new colour is a new URL."""
    return f"assets/accent-{accent.removeprefix('#')}.css"


def accent_css(accent: str) -> bytes:
    """The theme's --accent and its pale tint replaced; the menu bar a
    quarter darker than the header, as the default brown pair is (white on
    it only gains contrast); the build-time charts' bars (fill attributes,
    which CSS overrides) in the accent too."""
    darker = "#" + "".join(f"{int(accent[i : i + 2], 16) * 3 // 4:02x}" for i in (1, 3, 5))
    rules = (
        f":root {{ --accent: {accent}; --accent-bg: {tint(accent)}; }}\n.site-nav {{ background: {darker}; }}\n.chart rect {{ fill: {accent}; }}\n"
    )
    return rules.encode()


def assemble(
    records: Records,
    config: SiteConfig,
    options: BuildOptions,
    asset_files: tuple[CopyFile, ...],
    warm: Warm = COLD,
) -> tuple[SiteModel, list[Problem]]:
    """Every output of the site, and the problems found making them.

    `warm` lends the Markdown conversions, slugs and station directory of
    an earlier build, and the pool the Markdown is converted in; the result
    is the same without it."""
    problems: list[Problem] = []
    urls = Urls(config.base_path, config.origin)

    articles = tuple(a for a in records.articles if is_public(a.draft, a.date, a.expires, options))
    guide_list = tuple(g for g in records.guides if is_public(g.draft, None, None, options))
    pages = tuple(p for p in records.pages if is_public(p.draft, None, None, options))
    for page in pages:
        if page.slug in RESERVED:
            problems.append(Problem(page.where.path, page.where.line, f"页面网址 {page.slug!r} 与站点栏目冲突，请换一个 slug"))
    pages = tuple(p for p in pages if p.slug not in RESERVED)

    doc_urls = {a.source_rel: scheme.article(a.slug) for a in articles}
    doc_urls |= {g.source_rel: scheme.guide(g.slug) for g in guide_list}
    doc_urls |= {p.source_rel: scheme.page(p.slug) for p in pages}
    static_rel = frozenset(s.rel for s in records.static)
    embeddable = {
        s.id: StationRef(s.id, s.name, s.district, s.address, s.hours, urls.page(scheme.station(s.id)), *wgs84(s), s.sample) for s in records.stations
    }
    text = config.identity.strings
    wording = {key: value for prefix in ("embed_", "notice_", "sample_", "distance_", "list_separator") for key, value in text.pick(prefix).items()}
    links = LinkMap(config.base_path, doc_urls, static_rel, embeddable, tuple(sorted(wording.items())))
    editor_bundle = tuple(c.source for c in asset_files if c.path.startswith(EDITOR_BUNDLE))
    asset_files = tuple(c for c in asset_files if not c.path.startswith(EDITOR_BUNDLE))
    assets = {c.path.removeprefix("assets/"): c.path for c in asset_files}
    assets |= {c.name: c.path for c in asset_files if c.name}  # templates get the fingerprinted names
    ctx = Ctx(config, urls, site_view(config, urls, assets, pages), options, MarkdownRenderer(links, records.trusted_html), warm.slugs or pinyin_slug)
    bodies = [(d.body, d.source_rel, d.where.path, d.body_line) for d in (*articles, *guide_list, *pages)]
    bodies += [(s.notes, "stations/notes.yaml", s.where.path, s.where.line) for s in records.stations if s.notes]
    prerender(ctx.markdown, bodies, warm.pool, warm.markdown, warm.memory("markdown"))
    book, found = site_images(ctx, records, articles, bodies, warm)
    problems += found
    ctx = replace(ctx, images=book)

    jobs: list[Job] = []
    raw: list[RawFile] = []
    news_part = news.assemble_news(ctx, articles, problems, warm.memory("news"))
    jobs += news_part.jobs
    guide_part = guides.assemble_guides(ctx, guide_list, records.stations, problems)
    jobs += guide_part.jobs
    station_part = _directory(ctx, records, guide_list, warm.stations, problems)
    jobs += station_part.jobs
    raw += station_part.raw
    jobs += guides.assemble_pages(ctx, pages, problems)
    jobs.append(home_job(ctx, news_part.latest, guide_part.topics, records, len(articles), len(guide_list)))
    jobs.append(not_found_job(ctx))
    jobs.append(search_page.search_job(ctx))
    jobs += feeds.feed_jobs(ctx, news_part.feed_entries, jobs)
    jobs.append(Job("sw.js", "sw.js", {"config": offline.sw_config(ctx, assets)}, in_sitemap=False))
    moved = [(a, scheme.article(a.slug), a.title) for a in articles] + [(g, scheme.guide(g.slug), g.title) for g in guide_list]
    raw += redirect_files(ctx, moved + [(p, scheme.page(p.slug), p.title) for p in pages], problems)
    tiles = config.finder.tiles
    fingerprinted = tuple(c.path for c in asset_files if c.name)
    plain = tuple(c.path for c in asset_files if not c.name)
    hosts = tile_hosts(tiles.url, tiles.subdomains) if tiles else ()
    if config.identity.accent:
        raw.append(RawFile(accent_file(config.identity.accent), accent_css(config.identity.accent)))

    # A photo is published only as processed (no EXIF, no GPS): never the source.
    raw += book.files()
    copies = [CopyFile(s.rel, s.source) for s in records.static if not is_raster(s.rel)] + list(asset_files)
    editor = _editor(ctx, records, editor_bundle, jobs, raw, copies) if config.cms else None
    raw.append(RawFile(HEADERS_FILE, headers_file(hosts, fingerprinted, plain, editor)))
    _check_collisions(jobs, raw, copies, problems, records.static)
    return SiteModel(tuple(jobs), tuple(raw), tuple(copies)), problems


def _editor(ctx: Ctx, records: Records, bundle: tuple, jobs: list[Job], raw: list[RawFile], copies: list[CopyFile]):
    """Adds the web editor's files (site/admin.py); returns what `_headers` needs for its policy."""
    cms = ctx.config.cms
    made = admin.admin_files(ctx.config, cms, admin.editor_inputs(records, tuple(RESERVED)), ctx.site.css_url, bundle)
    raw += [RawFile(path, data) for path, data in made.raw]
    copies += [CopyFile(path, source) for path, source in made.copies]
    # The search index is written after assemble, into pagefind/.
    paths = (*(j.path for j in jobs), *(r.path for r in raw), *(c.path for c in copies), "pagefind/")
    return admin.ADMIN, admin.admin_csp(cms), paths


def _canonical(inputs: tuple) -> tuple:
    """The directory's inputs with every set sorted: pickled, equal inputs
    give equal bytes in every process (a set's order follows the
    per-process hash seed; everything else here is built in a fixed order)."""
    config, urls, site, links, trusted, stations, guides, photos = inputs
    return (
        config,
        urls,
        site,
        links.base_path,
        tuple(links.doc_urls.items()),
        tuple(sorted(links.static)),
        tuple(links.stations.items()),
        tuple(sorted(trusted)),
        stations,
        guides,
        photos,
    )


def _directory(ctx: Ctx, records: Records, guide_list: tuple, store: Memo | None, problems: list[Problem]):
    """The station directory, or the one an earlier build made from the same
    inputs (by content): it takes ~0.2 s for 624 stations, and an article
    edit does not change it. The preview and the command line keep `store`
    in memory and on disk; both go through here."""
    inputs = (ctx.config, ctx.urls, ctx.site, ctx.markdown.links, ctx.markdown.trusted, records.stations, guide_list, ctx.images.photo_keys)

    def made() -> tuple:
        found: list[Problem] = []
        part = directory.assemble_directory(ctx, records.stations, guide_list, found)
        # Through pickle as the next build will read it: a context's pickled
        # bytes depend on which objects are shared (one-letter strings, for
        # one), which a round trip changes; the digests are of these bytes,
        # so a build that makes the directory and one that reads it back
        # give its pages the same render keys.
        part, found = pickle.loads(pickle.dumps((part, tuple(found)), protocol=pickle.HIGHEST_PROTOCOL))
        # Each page's context digest is stored with it: pickling the 660
        # contexts again for their keys was ~45 ms of every article edit.
        jobs = tuple(replace(job, known_digest=context_digest(job.context)) for job in part.jobs)
        return replace(part, jobs=jobs), found

    if store is None:
        found: list[Problem] = []
        part = directory.assemble_directory(ctx, records.stations, guide_list, found)
    else:
        part, found = store.reuse(digest(b"directory", pickle.dumps(_canonical(inputs), protocol=5)), made)
    problems += found
    return part


def home_job(ctx: Ctx, latest, topics, records: Records, article_count: int, guide_count: int) -> Job:
    # Sample stations are demo data: no figure or chart counts them, and the note says how many there are.
    stations = records.stations
    real = tuple(s for s in stations if not s.sample)
    samples = len(stations) - len(real)
    figures, text = [], ctx.site.text
    if ctx.config.program_total:
        figures.append(Figure(f"{ctx.config.program_total}", text.figure_program_total, text.figure_program_note))
    figures.append(Figure(f"{len(real)}", text.figure_real, text.fill("figure_samples_note", count=samples) if samples else ""))
    figures.append(Figure(f"{len({s.district for s in real})}", text.figure_districts))
    figures.append(Figure(f"{guide_count}", text.figure_guides))
    figures.append(Figure(f"{article_count}", text.figure_news))
    meta = ctx.meta("", "", "home")
    return ctx.job(
        "",
        "home.html",
        meta,
        latest=latest,
        topics=topics,
        figures=tuple(figures),
        station_count=len(real),
        chart_note=ctx.site.text.fill("home_chart_note", count=len(real), samples=samples) if samples else "",
        station_charts=directory.home_charts(real, ctx.config) if real else (),
    )


def not_found_job(ctx: Ctx) -> Job:
    meta = ctx.meta(ctx.site.text.not_found_title, "404.html", "", noindex=True)
    return ctx.job("404.html", "404.html", meta)


# Top-level folders the build fills itself (the search index is written
# after assemble, so a static file there would be silently replaced).
GENERATED_DIRS = ("pagefind", "search", "assets", "tags", "categories", "_fengchao")


def _check_collisions(jobs, raw, copies, problems: list[Problem], static=()) -> None:
    """Two outputs at one path, or at paths a case-insensitive or
    normalising host (Windows, macOS, most object stores' tools) would merge:
    an error naming both sources. A static file in a generated folder too."""
    for item in static:
        top = item.rel.split("/", 1)[0]
        if top.casefold() in GENERATED_DIRS:
            problems.append(
                Problem(f"content/{item.rel}", 0, f"{top}/ 是网站自己生成的文件夹（搜索索引、资源等），内容不能放在这里：请把文件移到别的文件夹")
            )
    owners: dict[str, str] = {}
    folded: dict[str, tuple[str, str]] = {}  # folded path (and each folder) → (path as written, source)
    for item in [*jobs, *raw, *copies]:
        who = str(getattr(item, "source", "")) or item.path
        if item.path in owners:
            problems.append(Problem(who, 0, f"输出文件 {item.path} 会被生成两次（与 {owners[item.path]} 冲突），请改名"))
            continue
        owners[item.path] = who
        parts = item.path.split("/")
        for depth in range(1, len(parts) + 1):
            written = "/".join(parts[:depth])
            key = unicodedata.normalize("NFC", written).casefold()
            first = folded.setdefault(key, (written, who))
            if first[0] != written:
                problems.append(
                    Problem(
                        who,
                        0,
                        f"输出 {written} 与 {first[0]}（来自 {first[1]}）只差大小写或 Unicode 写法，"
                        "在 Windows、macOS 等不区分的主机上会变成同一个，其中一个会丢失。请改名",
                    )
                )
                break
