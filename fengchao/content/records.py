"""The typed records that flow from validate to assemble to render.

Frozen dataclasses only: once validate has made a record nobody changes it,
so any page can be rendered from them in any order or process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Where:
    """Where a record came from, for messages."""

    path: str
    line: int


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: datetime  # aware, in the site's time zone
    body: str
    body_line: int
    source_rel: str  # path relative to content/, for link resolution
    where: Where
    summary: str | None = None
    tags: tuple[str, ...] = ()
    category: str | None = None
    source: str | None = None
    source_url: str | None = None
    authors: tuple[str, ...] = ()
    editor: str | None = None
    image: str | None = None
    image_alt: str | None = None
    updated: datetime | None = None
    draft: bool = False
    expires: datetime | None = None
    image_line: int = 0  # file line of `image:`, for problems found once outputs are known
    aliases: tuple[str, ...] = ()  # earlier paths of this page ("news/old-name/"), redirected here


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None = None
    address: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    topic: str
    body: str
    body_line: int
    source_rel: str
    where: Where
    summary: str | None = None
    order: int = 0
    updated: date | None = None
    reviewed: date | None = None
    audience: str | None = None
    stations: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    draft: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    body: str
    body_line: int
    source_rel: str
    where: Where
    summary: str | None = None
    draft: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Photo:
    src: str
    alt: str
    line: int = 0  # file line of its `src:`, for problems found when the photo is processed


@dataclass(frozen=True)
class Station:
    id: str
    name: str
    district: str
    address: str
    lat: float
    lng: float
    datum: str
    amenities: tuple[str, ...]
    where: Where
    hours: str | None = None
    phone: str | None = None
    operator: str | None = None
    opened: date | None = None
    notes: str | None = None
    photos: tuple[Photo, ...] = ()
    sample: bool = False


@dataclass(frozen=True)
class Records:
    """Everything validate produced: the input of assemble."""

    articles: tuple[Article, ...]
    guides: tuple[Guide, ...]
    pages: tuple[Page, ...]
    stations: tuple[Station, ...]
    static: tuple = field(default=())  # load.StaticFile
    trusted_html: frozenset = field(default=frozenset())  # source_rel of files with `trusted_html: true`
