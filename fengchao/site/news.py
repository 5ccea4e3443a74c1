"""The news domain: article pages, the paginated list, tags, categories,
the by-year archive and the entries of the Atom feed."""

from __future__ import annotations

from dataclasses import dataclass

from fengchao.content.records import Article
from fengchao.markup.embeds import without_cards
from fengchao.problems import Problem
from fengchao.site import urls as scheme
from fengchao.site.images import CARD_SIZES
from fengchao.site.jobs import Ctx, Job
from fengchao.site.structured import news_article
from fengchao.site.views import ArticleCard, ArticleView, Link, Moment, Pager, Term
from fengchao.text import pinyin_slug, summarise, xml_safe

LATEST_ON_HOME = 5


@dataclass(frozen=True)
class FeedEntry:
    title: str
    url: str  # absolute
    published: str
    updated: str
    summary: str
    html: str
    authors: tuple[str, ...]
    category: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True)
class NewsPart:
    jobs: tuple
    latest: tuple[ArticleCard, ...]
    feed_entries: tuple[FeedEntry, ...]


MAX_TERM_SLUG = 120


def term_slugs(names, make=pinyin_slug) -> dict[str, str]:
    """Pinyin slugs, unique: 快递小哥 → kuai-di-xiao-ge; a clash gets -2, -3."""
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        # Validate caps a term's length; this caps what its pinyin can grow
        # to (compatibility characters expand: ㎞ → km, ⑽ → (10)), so a
        # folder name never exceeds the file system's 255 bytes.
        base = make(name)[:MAX_TERM_SLUG].rstrip("-") or "x"
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[name] = slug
    return slugs


def paginate(items: tuple, per_page: int, rel: str, urls) -> list[tuple[str, tuple, Pager]]:
    """Split items into pages at rel, rel/page/2/, rel/page/3/ …"""
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [()]
    dirs = [rel] + [f"{rel}page/{n}/" for n in range(2, len(chunks) + 1)]
    links = tuple(Link(str(n), urls.page(d)) for n, d in enumerate(dirs, 1))
    out = []
    for index, chunk in enumerate(chunks):
        pager = Pager(
            number=index + 1,
            total=len(chunks),
            prev_url=links[index - 1].url if index > 0 else None,
            next_url=links[index + 1].url if index + 1 < len(chunks) else None,
            pages=_window(links, index),
        )
        out.append((dirs[index], chunk, pager))
    return out


PAGER_AROUND = 2


def _window(links: tuple[Link, ...], index: int) -> tuple[Link, ...]:
    """First, last and the pages around the current one; a gap is Link("…", "").

    Listing all 200 pages on each of 200 list pages made every one of them
    ~20 KB of page numbers (and rendering the lists quadratic).
    """
    keep = {0, len(links) - 1, *range(index - PAGER_AROUND, index + PAGER_AROUND + 1)}
    window: list[Link] = []
    for i, link in enumerate(links):
        if i in keep:
            window.append(link)
        elif window and window[-1].url:
            window.append(Link("…", ""))
    return tuple(window)


def assemble_news(ctx: Ctx, articles: tuple[Article, ...], problems: list[Problem], memo: dict | None = None) -> NewsPart:
    """`memo`, kept by a long-running process (serve/rebuild.py): each article's card
    and page job from the last build, handed back as the same objects while
    the article (the same record object: validate's memo), its converted
    body and its neighbours are the same and nothing site-wide changed. The
    preview then compares those pages by identity instead of field by field."""
    urls, config = ctx.urls, ctx.config
    tag_slugs = term_slugs((t for a in articles for t in a.tags), ctx.slug)
    cat_slugs = term_slugs((a.category for a in articles if a.category), ctx.slug)
    tag_link = lambda t: Link(t, urls.page(scheme.term("tags", tag_slugs[t])))  # noqa: E731
    cat_link = lambda c: Link(c, urls.page(scheme.term("categories", cat_slugs[c]))) if c else None  # noqa: E731
    site_wide = (urls, ctx.site, config, tag_slugs, cat_slugs, ctx.markdown.links)
    known = memo.get("articles", {}) if memo is not None and memo.get("site") == site_wide else {}
    kept: dict = {}

    rendered = []
    for article in articles:
        result, link_problems = ctx.markdown.render(article.body, article.source_rel, article.where.path, article.body_line)
        problems += link_problems
        hit = known.get(article.source_rel)
        if hit is not None and hit[0] is article and hit[1] is result:
            summary, card = hit[2], hit[3]
        else:
            summary = article.summary or summarise(result.plain, config.summary_chars)
            card = ArticleCard(
                article.title,
                urls.page(scheme.article(article.slug)),
                Moment.of(article.date, ctx.site.text),
                summary,
                cat_link(article.category),
                _thumb(ctx, article),
            )
        rendered.append((article, result.html, result, summary))
        kept[article.source_rel] = [article, result, summary, card, None]

    cards = tuple(kept[a.source_rel][3] for a in articles)
    jobs: list[Job] = []
    text = ctx.site.text
    crumbs = (Link(text.news_title, urls.page(scheme.NEWS)),)
    for index, (article, html, stats, summary) in enumerate(rendered):
        newer = cards[index - 1] if index > 0 else None
        older = cards[index + 1] if index + 1 < len(cards) else None
        notice = _notice(article, ctx)
        hit = known.get(article.source_rel)
        page = hit[4] if hit is not None and hit[3] is cards[index] else None
        # The neighbours by identity: the cards kept above are the same
        # objects exactly when nothing about them changed.
        if page is not None and page[0] is newer and page[1] is older and page[2] == notice:
            kept[article.source_rel][4] = page
            problems += page[4]
            jobs.append(page[3])
            continue
        found: list[Problem] = []
        job = _article_job(ctx, article, html, stats, summary, cards[index].url, newer, older, notice, tag_link, cat_link, crumbs, found)
        problems += found
        kept[article.source_rel][4] = (newer, older, notice, job, tuple(found))
        jobs.append(job)
    if memo is not None:
        memo.update(site=site_wide, articles=kept)

    for rel, chunk, pager in paginate(cards, config.per_page, scheme.NEWS, urls):
        title = _page_title(text, text.news_title, pager.number)
        jobs.append(ctx.job(rel, "news_list.html", ctx.meta(title, rel, "news"), heading=text.news_title, cards=chunk, pager=pager, intro=None))

    jobs += _taxonomy(ctx, "tags", ("news_all_tags", "tag_heading"), articles, cards, lambda a: a.tags, tag_slugs)
    jobs += _taxonomy(
        ctx, "categories", ("news_all_categories", "category_heading"), articles, cards, lambda a: (a.category,) if a.category else (), cat_slugs
    )
    jobs.append(_archive(ctx, articles, cards))

    # The feed is XML: one stray control character (pasted from Word) would
    # make the whole feed unreadable, so strip those from everything in it.
    entries = tuple(
        FeedEntry(
            title=xml_safe(a.title),
            url=urls.absolute(scheme.article(a.slug)),
            published=a.date.isoformat(),
            updated=(a.updated or a.date).isoformat(),
            summary=xml_safe(summary),
            html=xml_safe(without_cards(html)),
            authors=tuple(map(xml_safe, a.authors or ((a.source,) if a.source else ()))),
            category=xml_safe(a.category) if a.category else None,
            tags=tuple(map(xml_safe, a.tags)),
        )
        for a, html, _, summary in rendered[: config.feed_items]
    )
    return NewsPart(tuple(jobs), cards[:LATEST_ON_HOME], entries)


def _cover(ctx: Ctx, article: Article) -> str | None:
    """The source path of an article's processed cover, if it has one."""
    if not article.image or ctx.images is None:
        return None
    href, problem = ctx.markdown.links.resolve(article.image, article.source_rel)
    return None if problem else ctx.images.rel_of(href)


def _thumb(ctx: Ctx, article: Article) -> str:
    # Decorative (alt=""): the card's title, next to it, says what it is.
    rel = _cover(ctx, article)
    return ctx.images.picture(rel, "", CARD_SIZES, thumb=True) if rel in ctx.images.processed else ""


def _article_job(
    ctx: Ctx, article: Article, html: str, stats, summary: str, url: str, newer, older, notice, tag_link, cat_link, crumbs, problems: list[Problem]
) -> Job:
    urls = ctx.urls
    image_url = None
    if article.image:
        image_url, problem = ctx.markdown.links.resolve(article.image, article.source_rel)
        if problem:
            problems.append(Problem(article.where.path, article.image_line, f"封面图片：{problem}"))
    cover = _cover(ctx, article)
    share = ctx.images.share(cover) if cover else None
    view = ArticleView(
        title=article.title,
        url=url,
        date=Moment.of(article.date, ctx.site.text, with_time=True),
        updated=Moment.of(article.updated, ctx.site.text) if article.updated else None,
        summary=summary,
        html=html,
        tags=tuple(tag_link(t) for t in article.tags),
        category=cat_link(article.category),
        source=article.source,
        source_url=article.source_url,
        authors=article.authors,
        editor=article.editor,
        image_url=image_url,
        image_alt=article.image_alt,
        reading_minutes=stats.reading_minutes,
        char_count=stats.char_count,
        newer=Link(newer.title, newer.url) if newer else None,
        older=Link(older.title, older.url) if older else None,
        image_html=ctx.images.picture(cover, article.image_alt or "", first=True) if cover else "",
    )
    rel = scheme.article(article.slug)
    og_image = share[0] if share else urls.origin + image_url if image_url and image_url.startswith("/") else image_url
    modified = article.updated or article.date
    structured = news_article(
        headline=article.title,
        url=urls.absolute(rel),
        published=article.date,
        modified=modified,
        authors=article.authors,
        source=article.source,
        publisher=ctx.site.publisher,
        logo_url=ctx.site.publisher_logo,
        image_url=og_image or ctx.site.share_image_url,
    )
    meta = ctx.meta(
        article.title,
        rel,
        "news",
        summary,
        breadcrumbs=crumbs,
        og_type="article",
        og_image=og_image,
        og_image_width=share[1] if share else 0,
        og_image_height=share[2] if share else 0,
        notice=notice,
        article=structured,
        published=article.date.isoformat(),
        modified=modified.isoformat(),
    )
    lastmod = (article.updated or article.date).date().isoformat()
    return ctx.job(rel, "article.html", meta, article=view, lastmod=lastmod)


def _notice(article: Article, ctx: Ctx) -> str | None:
    now, text = ctx.options.now, ctx.site.text
    if article.draft:
        return text.article_draft
    if article.date > now:
        return text.article_scheduled
    if article.expires and article.expires <= now:
        return text.article_expired
    return None


def _page_title(text, title: str, number: int) -> str:
    return title if number == 1 else text.fill("news_page_title", title=title, number=number)


def _taxonomy(ctx: Ctx, kind: str, wording: tuple[str, str], articles, cards, terms_of, slugs: dict[str, str]) -> list[Job]:
    """`wording`: the strings naming the list of all terms and one term's heading."""
    urls, text = ctx.urls, ctx.site.text
    label = getattr(text, wording[0])
    news = Link(text.news_title, urls.page(scheme.NEWS))
    members: dict[str, list[ArticleCard]] = {name: [] for name in slugs}
    for article, card in zip(articles, cards):
        for name in terms_of(article):
            members[name].append(card)
    terms = tuple(
        Term(name, urls.page(scheme.term(kind, slugs[name])), len(members[name]))
        for name in sorted(members, key=lambda n: (-len(members[n]), slugs[n]))
    )
    jobs = [
        ctx.job(
            f"{kind}/",
            "terms.html",
            ctx.meta(label, f"{kind}/", "news", breadcrumbs=(news,)),
            heading=label,
            terms=terms,
        )
    ]
    for name, slug in sorted(slugs.items(), key=lambda kv: kv[1]):
        crumbs = (news, Link(label, urls.page(f"{kind}/")))
        for rel, chunk, pager in paginate(tuple(members[name]), ctx.config.per_page, scheme.term(kind, slug), urls):
            heading = text.fill(wording[1], name=name)
            title = _page_title(text, heading, pager.number)
            intro = text.fill("term_intro", count=len(members[name]))
            jobs.append(
                ctx.job(
                    rel, "news_list.html", ctx.meta(title, rel, "news", breadcrumbs=crumbs), heading=heading, cards=chunk, pager=pager, intro=intro
                )
            )
    return jobs


def _archive(ctx: Ctx, articles, cards) -> Job:
    years: dict[int, list[ArticleCard]] = {}
    for article, card in zip(articles, cards):
        years.setdefault(article.date.year, []).append(card)
    groups = tuple((year, tuple(items)) for year, items in sorted(years.items(), reverse=True))
    text = ctx.site.text
    meta = ctx.meta(text.archive_title, scheme.ARCHIVE, "news", breadcrumbs=(Link(text.news_title, ctx.urls.page(scheme.NEWS)),))
    return ctx.job(scheme.ARCHIVE, "archive.html", meta, years=groups, total=len(cards))
