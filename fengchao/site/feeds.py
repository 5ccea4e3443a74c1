"""Machine-read outputs: the Atom feed, the sitemap and robots.txt.

They are rendered from templates like pages (autoescaped XML), so one
render stage handles every output.
"""

from __future__ import annotations

from fengchao.site.jobs import Ctx, Job
from fengchao.site.news import FeedEntry
from fengchao.site.views import PageMeta


def feed_jobs(ctx: Ctx, entries: tuple[FeedEntry, ...], pages: list[Job]) -> list[Job]:
    urls = ctx.urls
    meta = PageMeta(ctx.config.title, ctx.config.description, urls.absolute("feed.xml"), "", noindex=True)
    updated = max((e.updated for e in entries), default="1970-01-01T00:00:00+00:00")
    feed = Job(
        "feed.xml",
        "atom.xml",
        {
            "site": ctx.site,
            "page": meta,
            "entries": entries,
            "updated": updated,
            "base_url": ctx.config.base_url,
            "self_url": urls.absolute("feed.xml"),
        },
        in_sitemap=False,
    )
    listed = tuple(
        (urls.absolute(job.path.removesuffix("index.html")), job.lastmod)
        for job in sorted(pages, key=lambda j: j.path)
        if job.in_sitemap and job.path.endswith(".html")
    )
    sitemap = Job("sitemap.xml", "sitemap.xml", {"site": ctx.site, "page": meta, "urls": listed}, in_sitemap=False)
    # The web editor (site/admin.py) is for editors, not for search engines.
    disallow = (urls.page("admin/"),) if ctx.config.cms else ()
    robots = Job(
        "robots.txt",
        "robots.txt",
        {"site": ctx.site, "page": meta, "sitemap_url": urls.absolute("sitemap.xml"), "disallow": disallow},
        in_sitemap=False,
    )
    return [feed, sitemap, robots]
