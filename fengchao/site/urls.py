"""The URL scheme: every output path a page family makes, said once.

Paths are relative to the output root and to the site's base path
("news/x/"); `Urls` turns one into a link (with the base path) or an absolute
address (with the origin). A page's file is its path plus "index.html".
"""

from __future__ import annotations

from dataclasses import dataclass

HOME = ""
NEWS = "news/"
ARCHIVE = "news/archive/"
GUIDES = "guides/"
STATIONS = "stations/"
SEARCH = "search/"
FEED = "feed.xml"


def article(slug: str) -> str:
    return f"news/{slug}/"


def guide(slug: str) -> str:
    return f"guides/{slug}/"


def page(slug: str) -> str:
    """A free-standing page (content/pages/): at the top level."""
    return f"{slug}/"


def station(station_id: str) -> str:
    return f"stations/{station_id}/"


def district(slug: str) -> str:
    return f"stations/district/{slug}/"


def amenity(key: str) -> str:
    return f"stations/amenity/{key}/"


def term(kind: str, slug: str) -> str:
    """A tag's or a category's page: kind is "tags" or "categories"."""
    return f"{kind}/{slug}/"


def file_of(path: str) -> str:
    """The output file of a page path: news/x/ → news/x/index.html."""
    return path + "index.html" if path.endswith("/") or not path else path


@dataclass(frozen=True)
class Urls:
    base_path: str
    origin: str

    def page(self, rel: str) -> str:
        return self.base_path + rel

    def absolute(self, rel: str) -> str:
        return self.origin + self.base_path + rel
