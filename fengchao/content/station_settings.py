"""The finder's settings under `stations:` in site.yaml (fengchao's own keys).

Kept apart from config.py so the station finder's options (city box, report
link, map tiles, spreadsheet columns) are validated in one place, with lines,
like every other part of site.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fengchao.content.load import LineMap
from fengchao.problems import Problem

# Spreadsheet column names understood by `fengchao stations import` even when
# site.yaml names none; site.yaml's `stations.columns` adds to (or overrides) these.
DEFAULT_COLUMNS: dict[str, str] = {
    "id": "id",
    "编号": "id",
    "name": "name",
    "名称": "name",
    "站点名称": "name",
    "district": "district",
    "区县": "district",
    "address": "address",
    "地址": "address",
    "lat": "lat",
    "纬度": "lat",
    "lng": "lng",
    "lon": "lng",
    "经度": "lng",
    "amenities": "amenities",
    "设施": "amenities",
    "hours": "hours",
    "开放时间": "hours",
    "phone": "phone",
    "电话": "phone",
    "operator": "operator",
    "运营单位": "operator",
    "opened": "opened",
    "启用日期": "opened",
    "启用时间": "opened",
    "notes": "notes",
    "备注": "notes",
    "sample": "sample",
    "示例": "sample",
    "datum": "datum",
    "坐标系": "datum",
}
IMPORT_FIELDS = ("id", "name", "district", "address", "lat", "lng", "amenities", "hours", "phone", "operator", "opened", "notes", "sample", "datum")


@dataclass(frozen=True)
class Bounds:
    """A WGS-84 box: a station outside it is probably a typo."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lng: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lng <= self.east

    def __str__(self) -> str:
        return f"纬度 {self.south}–{self.north}、经度 {self.west}–{self.east}"


@dataclass(frozen=True)
class MapTiles:
    url: str
    subdomains: str = ""
    datum: str = "gcj02"  # markers are drawn in the tiles' datum
    attribution: str = ""
    max_zoom: int = 18


@dataclass(frozen=True)
class StationSettings:
    bounds: Bounds | None = None
    report_url: str | None = None  # {id} and {name} are filled in, URL-encoded
    nav_app: str = "fengchao"  # the `src` / `referer` map links send
    tiles: MapTiles | None = None
    columns: tuple[tuple[str, str], ...] = field(default=tuple(DEFAULT_COLUMNS.items()))


def parse_station_settings(section: LineMap, shown: str, problems: list[Problem]) -> StationSettings:
    def number(m: LineMap, key: str) -> float | None:
        value = m.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(Problem(shown, m.line_of(key), f"stations.bounds.{key} 应为数字（WGS-84 度）"))
            return None
        return float(value)

    bounds = None
    raw = section.get("bounds")
    if raw is not None:
        if not isinstance(raw, LineMap):
            problems.append(Problem(shown, section.line_of("bounds"), "stations.bounds 应写成 {south: .., west: .., north: .., east: ..}"))
        else:
            values = [number(raw, k) for k in ("south", "west", "north", "east")]
            if None not in values:
                if values[0] >= values[2] or values[1] >= values[3]:
                    problems.append(Problem(shown, section.line_of("bounds"), "stations.bounds 的 south 应小于 north，west 应小于 east"))
                else:
                    bounds = Bounds(*values)

    report_url = section.get("report_url")
    if report_url is not None and not (isinstance(report_url, str) and report_url.strip().lower().startswith(("https://", "http://", "mailto:"))):
        problems.append(Problem(shown, section.line_of("report_url"), "stations.report_url 应为 https:// 网址或 mailto: 链接"))
        report_url = None

    nav_app = section.get("nav_app", "fengchao")
    if not isinstance(nav_app, str) or not nav_app.strip():
        problems.append(Problem(shown, section.line_of("nav_app"), "stations.nav_app 应为文字（地图链接的来源名）"))
        nav_app = "fengchao"

    tiles = None
    raw = section.get("map")
    if raw is not None:
        if not isinstance(raw, LineMap) or not isinstance(raw.get("tiles"), str):
            problems.append(Problem(shown, section.line_of("map"), "stations.map 应包含 tiles（瓦片网址，含 {x} {y} {z}）"))
        else:
            datum = str(raw.get("datum", "gcj02")).lower()
            if datum not in ("wgs84", "gcj02"):
                problems.append(Problem(shown, raw.line_of("datum"), "stations.map.datum 应为 wgs84 或 gcj02"))
            max_zoom = raw.get("max_zoom", 18)
            if not isinstance(max_zoom, int) or isinstance(max_zoom, bool) or not 1 <= max_zoom <= 22:
                problems.append(Problem(shown, raw.line_of("max_zoom"), "stations.map.max_zoom 应为 1–22 的整数"))
                max_zoom = 18
            tiles = MapTiles(raw["tiles"], str(raw.get("subdomains", "") or ""), datum, str(raw.get("attribution", "") or ""), max_zoom)

    columns = dict(DEFAULT_COLUMNS)
    raw = section.get("columns")
    if raw is not None:
        if not isinstance(raw, LineMap):
            problems.append(Problem(shown, section.line_of("columns"), "stations.columns 应为“表头: 字段”映射"))
        else:
            for header, target in raw.items():
                if target not in IMPORT_FIELDS:
                    problems.append(
                        Problem(
                            shown, raw.line_of(header), f"stations.columns 中 {header!r} 对应的字段 {target!r} 未知。可选：{'、'.join(IMPORT_FIELDS)}"
                        )
                    )
                    continue
                columns[str(header)] = str(target)
    return StationSettings(bounds, report_url.strip() if report_url else None, nav_app.strip(), tiles, tuple(columns.items()))
