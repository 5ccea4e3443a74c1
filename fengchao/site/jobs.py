"""The types assemble makes and every page family shares: a page `Job`, the
files beside the pages, the whole `SiteModel`, and `Ctx`, what each page
family is given to make its jobs.

They live here, apart from the orchestrator (assemble.py) that imports the
families, so a family needs nothing from assemble: imports run one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from fengchao.content.config import SiteConfig
from fengchao.markup.markdown import MarkdownRenderer
from fengchao.site.structured import breadcrumb_list, script_json
from fengchao.site.urls import Urls, file_of
from fengchao.site.views import Link, PageMeta, SiteView
from fengchao.text import pinyin_slug


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
class Ctx:
    """What every domain module needs to make its jobs."""

    config: SiteConfig
    urls: Urls
    site: SiteView
    options: BuildOptions
    markdown: MarkdownRenderer
    slug: Callable[[str], str] = pinyin_slug  # a SlugBook in a cached build
    # The build's processed images (site/images.ImageBook): markup and share
    # images by source path. Typed loosely: images.py imports this module.
    images: Any = None

    def meta(self, title: str, rel: str, section: str, description: str = "", **extra) -> PageMeta:
        """`article=` a NewsArticle dict (site/structured.py); every page below home gets a BreadcrumbList."""
        full = self.config.title if not title else f"{title} - {self.config.title}"
        crumbs = tuple(extra.pop("breadcrumbs", ()))
        home = (Link(self.site.text.crumb_home, self.urls.page("")),)
        if crumbs:
            crumbs = home + crumbs
        canonical = self.urls.absolute(rel)
        data = [d for d in (extra.pop("article", None),) if d]
        if rel and not extra.get("noindex"):
            data.append(breadcrumb_list(crumbs or home, title or full, canonical, self.urls.origin))
        json_ld = script_json(data) if data else ""
        return PageMeta(full, description or self.config.description, canonical, section, crumbs, json_ld=json_ld, **extra)

    def job(self, rel_dir: str, template: str, meta: PageMeta, **context) -> Job:
        lastmod = context.pop("lastmod", None)
        return Job(file_of(rel_dir), template, {"site": self.site, "page": meta, **context}, lastmod, not meta.noindex)
