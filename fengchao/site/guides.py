"""Program guides (index by topic, guide pages) and free-standing pages."""

from __future__ import annotations

from dataclasses import dataclass

from fengchao.content.records import Guide, Page, Station
from fengchao.problems import Problem
from fengchao.site import urls as scheme
from fengchao.site.jobs import Ctx, Job
from fengchao.site.station_pages import station_card
from fengchao.site.views import ContactView, GuideCard, GuideView, Link, Moment, TopicView
from fengchao.text import heading_anchor, summarise


@dataclass(frozen=True)
class GuidePart:
    jobs: tuple
    topics: tuple[TopicView, ...]


def assemble_guides(ctx: Ctx, guides: tuple[Guide, ...], stations: tuple[Station, ...], problems: list[Problem]) -> GuidePart:
    urls, config = ctx.urls, ctx.config
    by_id = {s.id: s for s in stations}
    rendered = []
    for guide in guides:
        result, link_problems = ctx.markdown.render(guide.body, guide.source_rel, guide.where.path, guide.body_line)
        problems += link_problems
        summary = guide.summary or summarise(result.plain, config.summary_chars)
        card = GuideCard(guide.title, urls.page(scheme.guide(guide.slug)), summary, guide.topic)
        rendered.append((guide, result, card))

    topics = tuple(
        TopicView(name, description, heading_anchor(name), tuple(c for g, _, c in rendered if g.topic == name)) for name, description in config.topics
    )
    index_meta = ctx.meta(ctx.site.text.guides_title, scheme.GUIDES, "guides", ctx.site.text.guides_description)
    jobs: list[Job] = [ctx.job(scheme.GUIDES, "guides_index.html", index_meta, topics=topics)]

    for guide, result, card in rendered:
        topic_url = urls.page(f"guides/#{heading_anchor(guide.topic)}")
        view = GuideView(
            card=card,
            html=result.html,
            toc=tuple((h.level, Link(h.title, f"#{h.anchor}")) for h in result.headings),
            audience=guide.audience,
            updated=Moment.of_day(guide.updated, ctx.site.text) if guide.updated else None,
            reviewed=Moment.of_day(guide.reviewed, ctx.site.text) if guide.reviewed else None,
            contacts=tuple(ContactView(c.name, c.phone, c.address, c.hours) for c in guide.contacts),
            stations=tuple(station_card(ctx, by_id[s]) for s in guide.stations if s in by_id),
            related=tuple(Link(c.title, c.url) for g, _, c in rendered if g.topic == guide.topic and g is not guide),
        )
        rel = scheme.guide(guide.slug)
        crumbs = (Link(ctx.site.text.guides_title, urls.page(scheme.GUIDES)), Link(guide.topic, topic_url))
        notice = ctx.site.text.guide_draft if guide.draft else None
        meta = ctx.meta(guide.title, rel, "guides", card.summary, breadcrumbs=crumbs, og_type="article", notice=notice)
        lastmod = (guide.updated or guide.reviewed).isoformat() if (guide.updated or guide.reviewed) else None
        jobs.append(ctx.job(rel, "guide.html", meta, guide=view, lastmod=lastmod))
    return GuidePart(tuple(jobs), topics)


def assemble_pages(ctx: Ctx, pages: tuple[Page, ...], problems: list[Problem]) -> list[Job]:
    jobs = []
    for page in pages:
        result, link_problems = ctx.markdown.render(page.body, page.source_rel, page.where.path, page.body_line)
        problems += link_problems
        summary = page.summary or summarise(result.plain, ctx.config.summary_chars)
        rel = f"{page.slug}/"
        # Its slug is its section: a menu item linking to about/ marks the 关于 page current.
        meta = ctx.meta(page.title, rel, page.slug, summary, breadcrumbs=(Link(page.title, ctx.urls.page(rel)),))
        jobs.append(ctx.job(rel, "page.html", meta, title=page.title, html=result.html))
    return jobs
