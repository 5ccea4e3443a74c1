"""Read-only views that templates see (never the records themselves).

Like Zola's serialised page views: a template gets exactly these fields, all
pre-formatted, so templates stay simple and a page's context is plain data
that can be pickled to a worker process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from fengchao.content.identity import Strings


def ui_text(text: Strings, *prefixes: str) -> str:
    """The wording a page's script shows (the strings whose names start with
    one of `prefixes`), as JSON for a `data-text` attribute: the template's
    autoescape makes it safe there, and no script carries wording of its own."""
    picked: dict[str, str] = {}
    for prefix in prefixes:
        picked.update(text.pick(prefix))
    return json.dumps(picked, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class SiteView:
    title: str
    description: str
    base_path: str
    language: str
    publisher: str
    nav: tuple[tuple[str, Link], ...]  # (section key, link)
    css_url: str
    icons_url: str
    feed_url: str
    home_url: str
    footer_links: tuple[Link, ...] = ()
    elder_css_url: str = ""  # the elder mode (larger text): alternate stylesheet + its switch
    elder_js_url: str = ""
    elder_help_url: str = ""
    offline_js_url: str = ""  # registers sw_url, the optional service worker (fengchao/offline.py)
    sw_url: str = ""
    share_image_url: str = ""  # absolute: og:image when a page has no picture of its own
    text: Strings = Strings()  # the interface wording (theme strings + site.yaml's `strings:`)
    logo_url: str = ""  # site.yaml `logo:`; "" = the hive icon
    accent_css_url: str = ""  # the accent colour's stylesheet, when site.yaml sets `accent:`
    theme_color: str = "#8a5a00"  # <meta name="theme-color">: the accent when set
    publisher_logo: str = ""  # absolute: the logo (or the hive icon) as the publisher's in structured data


@dataclass(frozen=True)
class PageMeta:
    title: str  # <title>
    description: str
    canonical: str  # absolute
    section: str  # nav key of the current section
    breadcrumbs: tuple[Link, ...] = ()
    og_type: str = "website"
    og_image: str | None = None
    og_image_width: int = 0  # known for a processed cover's share image
    og_image_height: int = 0
    noindex: bool = False
    notice: str | None = None  # e.g. draft banner
    json_ld: str = ""  # JSON-LD (a list of schema.org objects), already escaped for a <script> element
    published: str = ""  # ISO 8601, for article:published_time / article:modified_time
    modified: str = ""


@dataclass(frozen=True)
class Moment:
    text: str  # the strings' date_format, e.g. 2024年8月19日
    iso: str  # machine-readable, for <time datetime>

    @classmethod
    def of(cls, moment: datetime, text: Strings, with_time: bool = False) -> Moment:
        return cls(text.date(moment, with_time), moment.isoformat())

    @classmethod
    def of_day(cls, day: date, text: Strings) -> Moment:
        return cls(text.date(day), day.isoformat())


@dataclass(frozen=True)
class ArticleCard:
    title: str
    url: str
    date: Moment
    summary: str
    category: Link | None
    thumb_html: str = ""  # the cover's small <picture>, made by site/images.py (escaped there)


@dataclass(frozen=True)
class ArticleView:
    title: str
    url: str
    date: Moment
    updated: Moment | None
    summary: str
    html: str
    tags: tuple[Link, ...]
    category: Link | None
    source: str | None
    source_url: str | None
    authors: tuple[str, ...]
    editor: str | None
    image_url: str | None
    image_alt: str | None
    reading_minutes: int
    char_count: int
    newer: Link | None
    older: Link | None
    image_html: str = ""  # the cover as <picture> (site/images.py), "" when not processed here


@dataclass(frozen=True)
class Pager:
    number: int
    total: int
    prev_url: str | None
    next_url: str | None
    pages: tuple[Link, ...]  # a window: first, last, around the current; Link("…", "") for a gap


@dataclass(frozen=True)
class Amenity:
    key: str
    label: str


@dataclass(frozen=True)
class StationCard:
    id: str
    name: str
    url: str
    district: str
    address: str
    hours: str | None
    amenities: tuple[Amenity, ...]
    sample: bool
    district_slug: str = ""  # for the finder's filters (data-district)
    thumb_html: str = ""  # the first photo's small <picture>, made by site/images.py (escaped there)


@dataclass(frozen=True)
class Nearby:
    station: StationCard
    distance: str  # Strings.distance: "850 米", "2.4 公里"


@dataclass(frozen=True)
class StationView:
    card: StationCard
    phone: str | None
    operator: str | None
    opened: Moment | None
    notes_html: str | None
    photos: tuple[tuple[str, str], ...]  # (<picture> markup made by site/images.py, alt)
    lat: float  # in the record's datum
    lng: float
    datum: str
    nearby: tuple[Nearby, ...]
    guides: tuple[Link, ...]
    nav: tuple[Link, ...] = ()  # open in Amap / Baidu / Tencent maps
    json_ld: str = ""  # already escaped for a <script> element
    report_url: str | None = None


@dataclass(frozen=True)
class ContactView:
    name: str
    phone: str | None
    address: str | None
    hours: str | None


@dataclass(frozen=True)
class GuideCard:
    title: str
    url: str
    summary: str
    topic: str


@dataclass(frozen=True)
class GuideView:
    card: GuideCard
    html: str
    toc: tuple[tuple[int, Link], ...]  # (level, link)
    audience: str | None
    updated: Moment | None
    reviewed: Moment | None
    contacts: tuple[ContactView, ...]
    stations: tuple[StationCard, ...]
    related: tuple[Link, ...]


@dataclass(frozen=True)
class TopicView:
    name: str
    description: str
    anchor: str
    guides: tuple[GuideCard, ...]


@dataclass(frozen=True)
class Term:
    name: str
    url: str
    count: int


@dataclass(frozen=True)
class Figure:
    value: str
    label: str
    note: str = ""
