"""schema.org structured data for search engines: `NewsArticle` on article
pages and `BreadcrumbList` on every page below the home page.

The properties are the ones Google's Article and Breadcrumb rich results
read (headline, image, datePublished, dateModified, author with a name,
publisher with a logo; each ListItem's position, name and absolute item
URL). tests/test_structured_data.py holds every page to them.
"""

from __future__ import annotations

import json
from datetime import datetime

from fengchao.site.views import Link


def script_json(data) -> str:
    """JSON safe inside <script>: `<`, `>` and `&` as \\u escapes, so no
    title can close the element early (JSON parsers read them back unchanged)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def breadcrumb_list(crumbs: tuple[Link, ...], title: str, canonical: str, origin: str) -> dict:
    """首页 › 新闻 › this page: the trail shown on the page, ending at the page itself."""
    trail = [(c.label, origin + c.url if c.url.startswith("/") else c.url) for c in crumbs]
    if not trail or trail[-1][1] != canonical:
        trail.append((title, canonical))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(trail, 1)],
    }


def news_article(
    *,
    headline: str,
    url: str,
    published: datetime,
    modified: datetime,
    authors: tuple[str, ...],
    source: str | None,
    publisher: str,
    logo_url: str,
    image_url: str,
) -> dict:
    """A `NewsArticle`: authors as people; with none, the source (a newspaper) or the publisher as the author."""
    if authors:
        author = [{"@type": "Person", "name": name} for name in authors]
    else:
        author = [{"@type": "Organization", "name": source or publisher}]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "mainEntityOfPage": url,
        "url": url,
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "author": author,
        "publisher": {"@type": "Organization", "name": publisher, "logo": {"@type": "ImageObject", "url": logo_url}},
    }
    if image_url:
        data["image"] = [image_url]
    return data
