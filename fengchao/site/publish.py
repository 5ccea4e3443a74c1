"""What `check` lists as not public right now: drafts, articles dated in the
future, expired articles — the same rules as assemble's `is_public`, said in
words an editor can act on."""
from __future__ import annotations

from datetime import datetime

from fengchao.content.records import Records


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
