"""The publishing rule, once: what a build at a given moment makes public
(drafts, articles dated in the future, expired articles), when its answer
next changes, and the same rule said in words an editor can act on (what
`check` lists as not public right now)."""

from __future__ import annotations

from datetime import datetime

from fengchao.content.records import Records
from fengchao.site.jobs import BuildOptions


def is_public(draft: bool, date: datetime | None, expires: datetime | None, options: BuildOptions) -> bool:
    if options.include_drafts:
        return True
    if draft or (date is not None and date > options.now):
        return False
    return not (expires is not None and expires <= options.now)


def unpublished(records: Records, now: datetime) -> list[tuple[str, str]]:
    """(path, why) for every record a build at `now` leaves out."""
    found = []
    for article in records.articles:
        if article.draft:
            found.append((article.where.path, "草稿（draft: true）"))
        elif article.date > now:
            found.append((article.where.path, f"定时发布：{article.date:%Y-%m-%d %H:%M} 起公开"))
        elif article.expires is not None and article.expires <= now:
            found.append((article.where.path, f"已过期：{article.expires:%Y-%m-%d %H:%M} 起不再公开"))
    for record in (*records.guides, *records.pages):
        if record.draft:
            found.append((record.where.path, "草稿（draft: true）"))
    return sorted(found)


def next_change(records: Records, now: datetime) -> float:
    """When a scheduled article appears or an article expires (a timestamp):
    the output changes then, so a "nothing changed" build must not be
    trusted past it. Anything new that makes output depend on the clock
    belongs here too."""
    moments = [a.date for a in records.articles if a.date and a.date > now]
    moments += [a.expires for a in records.articles if a.expires and a.expires > now]
    return min(moments).timestamp() if moments else float("inf")
