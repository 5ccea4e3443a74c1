"""The search page. The index it searches is made after the pages are
written (output/search_index.py, Pagefind), in the folder it names here."""

from __future__ import annotations

from fengchao.output.search_index import BUNDLE_DIR
from fengchao.site import urls
from fengchao.site.jobs import Ctx, Job
from fengchao.site.views import Link, ui_text

# The `type` filter values the templates set (article, guide, station, page),
# by their names in the strings file.
TYPES = ("type_news", "type_guide", "type_station", "type_page")


def search_job(ctx: Ctx) -> Job:
    """The search page. Without JS it says where else to look."""
    # Indexable and in the sitemap like any page: its canonical URL has no
    # query, so /search/?q=… never shows up as pages of its own.
    meta = ctx.meta(ctx.site.text.search_title, urls.SEARCH, "search", ctx.site.text.search_label)
    links = (
        Link(ctx.site.text.browse_archive, ctx.urls.page(urls.ARCHIVE)),
        Link(ctx.site.text.browse_guides, ctx.urls.page(urls.GUIDES)),
        Link(ctx.site.text.browse_stations, ctx.urls.page(urls.STATIONS)),
    )
    return ctx.job(
        urls.SEARCH,
        "search.html",
        meta,
        bundle_url=ctx.urls.page(BUNDLE_DIR + "/"),
        script_url=ctx.urls.page("assets/search.js"),
        style_url=ctx.urls.page("assets/search.css"),
        types=tuple(getattr(ctx.site.text, name) for name in TYPES),
        districts=ctx.config.districts,
        amenities=tuple(label for _, label in ctx.config.amenities),
        browse=links,
        search_text=ui_text(ctx.site.text, "js_search_"),
    )
