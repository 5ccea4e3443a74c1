"""site.yaml → an immutable `SiteConfig`.

The config is validated like content: every problem is collected with its
line, so a typo in site.yaml reads the same way as a typo in an article.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fengchao.content.cms_settings import CmsSettings, parse_cms_settings
from fengchao.content.identity import Identity, parse_identity
from fengchao.content.load import LineMap, parse_yaml, read_text
from fengchao.content.station_settings import StationSettings, parse_station_settings
from fengchao.problems import Problem, display_path

DATUMS = ("wgs84", "gcj02", "bd09")
# Every key site.yaml may have, by section ("" = the top level). Anything else
# is a typo whose setting would silently not apply (`descripton:` and the
# home page loses its text), so it is warned about with the likely key.
KNOWN_KEYS = {
    "": (
        "title",
        "description",
        "base_url",
        "language",
        "timezone",
        "publisher",
        "news",
        "stations",
        "guides",
        "check",
        "cms",
        "menu",
        "footer_links",
        "logo",
        "accent",
        "strings",
    ),
    "news": ("per_page", "summary_chars", "feed_items"),
    "stations": ("datum", "districts", "amenities", "program_total", "bounds", "report_url", "nav_app", "map", "columns"),
    "guides": ("topics",),
}


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str  # always ends with "/"
    language: str
    timezone: str
    publisher: str
    per_page: int
    summary_chars: int
    feed_items: int
    datum: str
    districts: tuple[str, ...]
    amenities: tuple[tuple[str, str], ...]  # (key, label), in site.yaml order
    program_total: int
    topics: tuple[tuple[str, str], ...]  # (name, description)
    finder: StationSettings = StationSettings()  # fengchao: bounds, report link, map, import columns
    cms: CmsSettings | None = None  # fengchao: the web editor's Git backend; None: no /admin/
    identity: Identity = Identity()  # fengchao: menu, footer links, logo, accent colour, interface strings

    @property
    def base_path(self) -> str:
        """The path part of base_url, e.g. "/hub/" (or "/")."""
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def amenity_labels(self) -> dict[str, str]:
        return dict(self.amenities)

    def with_base_url(self, base_url: str) -> SiteConfig:
        from dataclasses import replace

        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def load_config(path: Path, root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    shown = display_path(path, root)
    if not path.is_file():
        return None, [Problem(shown, 0, "找不到站点配置文件 site.yaml")]
    text, problem = read_text(path, shown)
    if problem:
        return None, [problem]
    data, problems = parse_yaml(text, shown, 1)
    if problems:
        return None, problems
    if not isinstance(data, LineMap):
        return None, [Problem(shown, 1, "site.yaml 应该是“键: 值”的映射")]
    return _build(data, shown, root)


def _build(data: LineMap, shown: str, root: Path) -> tuple[SiteConfig | None, list[Problem]]:
    problems: list[Problem] = []

    def need_str(m: LineMap, key: str, default: str | None = None) -> str:
        value = m.get(key, default)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(shown, m.line_of(key), f"site.yaml 缺少必填项 {key}（应为文字）"))
            return ""
        return value.strip()

    def section(key: str) -> LineMap:
        value = data.get(key, LineMap())
        if not isinstance(value, LineMap):
            problems.append(Problem(shown, data.line_of(key), f"{key} 应该是映射（键: 值）"))
            return LineMap()
        return value

    def positive_int(m: LineMap, key: str, default: int) -> int:
        value = m.get(key, default)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(Problem(shown, m.line_of(key), f"{key} 应该是正整数"))
            return default
        return value

    title = need_str(data, "title")
    base_url = need_str(data, "base_url")
    try:
        parts = urlsplit(base_url)
    except ValueError:  # "https://[x": not an address at all
        parts = urlsplit("")
    if base_url and (parts.scheme not in ("http", "https") or not parts.netloc):
        problems.append(Problem(shown, data.line_of("base_url"), "base_url 必须是完整网址，例如 https://example.org/hub/"))
    timezone = need_str(data, "timezone", "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(shown, data.line_of("timezone"), f"未知时区 {timezone!r}，例如 Asia/Shanghai"))

    news, stations, guides = section("news"), section("stations"), section("guides")
    for name, mapping in (("", data), ("news", news), ("stations", stations), ("guides", guides)):
        problems += unknown_keys(mapping, name, shown)
    datum = str(stations.get("datum", "gcj02")).lower()
    if datum not in DATUMS:
        problems.append(Problem(shown, stations.line_of("datum"), f"stations.datum 应为 {'、'.join(DATUMS)} 之一"))

    districts = stations.get("districts", [])
    if not isinstance(districts, list) or not districts or not all(isinstance(d, str) for d in districts):
        problems.append(Problem(shown, stations.line_of("districts"), "stations.districts 应为区县名称列表"))
        districts = []
    amenities = stations.get("amenities", LineMap())
    if not isinstance(amenities, LineMap) or not amenities:
        problems.append(Problem(shown, stations.line_of("amenities"), "stations.amenities 应为“键: 名称”映射"))
        amenities = LineMap()
    topics = guides.get("topics", LineMap())
    if not isinstance(topics, LineMap) or not topics:
        problems.append(Problem(shown, guides.line_of("topics"), "guides.topics 应为“主题: 说明”映射"))
        topics = LineMap()

    language = str(data.get("language", "zh-CN"))
    config = SiteConfig(
        title=title,
        description=str(data.get("description", "") or ""),
        base_url=normalise_base_url(base_url or "/"),
        language=language,
        timezone=timezone,
        publisher=str(data.get("publisher", title) or title),
        per_page=positive_int(news, "per_page", 10),
        summary_chars=positive_int(news, "summary_chars", 120),
        feed_items=positive_int(news, "feed_items", 20),
        datum=datum,
        districts=tuple(districts),
        amenities=tuple((str(k), str(v)) for k, v in amenities.items()),
        program_total=positive_int(stations, "program_total", 1) if "program_total" in stations else 0,
        topics=tuple((str(k), str(v or "")) for k, v in topics.items()),
        finder=parse_station_settings(stations, shown, problems),
        cms=parse_cms_settings(data.get("cms"), data.line_of("cms"), shown, problems),
        identity=parse_identity(data, shown, root, language, problems),
    )
    return (None if any(p.severity == "error" for p in problems) else config), problems


def unknown_keys(mapping: LineMap, section: str, shown: str) -> list[Problem]:
    """A warning for each key of `mapping` that site.yaml's `section` does not have."""
    import difflib

    known = KNOWN_KEYS[section]
    found = []
    for key in mapping:
        if key in known:
            continue
        where = f"{section} 下" if section else "site.yaml 顶层"
        guess = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"是否想写 {guess[0]}？" if guess else f"可用的键：{'、'.join(known)}"
        found.append(Problem(shown, mapping.line_of(key), f"{where}没有 {key!r} 这一项，这个设置不会生效。{hint}", "warning"))
    return found
