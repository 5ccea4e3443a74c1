"""The station domain: validating records, grouping, neighbours and exports.

A station record is one item of a YAML list in content/stations/*.yaml. Its
coordinates stay in their own datum in the record; exports convert (GeoJSON is
always WGS-84, RFC 7946).
"""

from __future__ import annotations

import difflib
import math
import re
from datetime import date

from fengchao.content.config import DATUMS, SiteConfig
from fengchao.content.load import LineMap, StationFile
from fengchao.content.records import Photo, Station, Where
from fengchao.content.url_rule import url_problem
from fengchao.geo import EARTH_RADIUS_M, convert, distance_m
from fengchao.problems import Problem
from fengchao.text import SLUG_RE, full_width_comma

FIELDS = (
    "id",
    "name",
    "district",
    "address",
    "location",
    "amenities",
    "hours",
    "phone",
    "operator",
    "opened",
    "notes",
    "photos",
    "sample",
    "datum",
)


def amenity_choices(config: SiteConfig) -> str:
    """可选：休息座椅（seating）、饮用水（drinking_water）…: the Chinese an editor
    knows, with the key the file needs."""
    return "可选：" + "、".join(f"{label}（{key}）" for key, label in config.amenities)


def amenity_hint(bad: str, config: SiteConfig) -> str:
    """The amenity `bad` probably is (its Chinese name, or a key spelt
    nearly right), else every choice."""
    labels = config.amenity_labels
    by_label = {label: key for key, label in config.amenities}
    near = difflib.get_close_matches(bad, labels, n=1) or [by_label[m] for m in difflib.get_close_matches(bad, by_label, n=1)]
    key = by_label.get(bad) or (near[0] if near else None)
    return f"，是否想写 {key}（{labels[key]}）？" if key else f"。{amenity_choices(config)}"


def _check_location(item: LineMap, err) -> tuple[float, float] | None:
    loc = item.get("location")
    if not isinstance(loc, LineMap):
        err("location", "location 应写成 {lat: 纬度, lng: 经度}，例如 {lat: 46.59, lng: 125.10}")
        return None
    lat, lng = loc.get("lat"), loc.get("lng")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lng)):
        err("location", "location 的 lat 和 lng 都必须是数字")
        return None
    if lat == 0 and lng == 0:
        err("location", "坐标还是 0, 0，说明位置还没有填：请在高德或腾讯地图上找到站点，把纬度填进 lat、经度填进 lng")
        return None
    if abs(lat) > 90 and abs(lng) <= 90:
        err("location", f"纬度 lat={lat} 超出范围，看起来与经度 lng={lng} 填反了：请交换 lat 和 lng")
        return None
    if 73 <= lat <= 136 and 3 <= lng <= 54:
        err("location", f"lat={lat}、lng={lng} 看起来填反了（中国境内纬度约 3–54，经度约 73–136）：请交换 lat 和 lng")
        return None
    if abs(lat) > 90 or abs(lng) > 180:
        err("location", f"坐标超出范围：lat={lat}, lng={lng}")
        return None
    return float(lat), float(lng)


def _station(item: LineMap, sf: StationFile, config: SiteConfig, problems: list[Problem]) -> Station | None:
    def err(key: str, message: str) -> None:
        problems.append(Problem(sf.shown, item.line_of(key), message))

    def text(key: str, required: bool = False) -> str | None:
        value = item.typed(key)  # `name: yes` is the text "yes", not True
        if value is None or value == "":
            if required:
                err(key, f"站点缺少必填字段 {key}")
            return None
        if isinstance(value, (LineMap, list)):
            err(key, f"{key} 应该是一段文字")
            return None
        return str(value).strip()

    for key in item:
        if key not in FIELDS:
            guess = difflib.get_close_matches(str(key), FIELDS, n=1)
            hint = f"，是否想写 {guess[0]}？" if guess else ""
            problems.append(Problem(sf.shown, item.line_of(key), f"未知字段 {key!r}{hint}", "warning"))

    station_id, name = text("id", True), text("name", True)
    district, address = text("district", True), text("address", True)
    if station_id and len(station_id) > 120:
        err("id", f"站点 id 太长（{len(station_id)} 个字符），上限 120 个：它是站点网址中的文件夹名。请缩短")
        station_id = None
    if station_id and not SLUG_RE.match(station_id):
        err("id", f"站点 id {station_id!r} 不能用作网址：只能用小写字母、数字和连字符（-）")
        station_id = None
    if district and district not in config.districts:
        guess = difflib.get_close_matches(district, config.districts, n=1)
        hint = f"，是否是“{guess[0]}”？" if guess else f"。可选：{'、'.join(config.districts)}"
        err("district", f"未知区县 {district!r}{hint}")
        district = None
    datum = (text("datum") or config.datum).lower()
    if datum not in DATUMS:
        err("datum", f"datum 应为 {'、'.join(DATUMS)} 之一")
    location = _check_location(item, err)

    amenities = item.get("amenities")
    labels = config.amenity_labels
    if not isinstance(amenities, list):
        err("amenities", f"amenities 应为设施列表，例如 [seating, drinking_water]。{amenity_choices(config)}")
        amenities = None
    else:
        unknown = [a for a in amenities if not isinstance(a, str) or a not in labels]
        for bad in unknown:
            if "，" in str(bad) or "、" in str(bad):
                err("amenities", full_width_comma("amenities", str(bad)))
            else:
                err("amenities", f"未知设施 {bad!r}{amenity_hint(str(bad), config)}")
        amenities = None if unknown else tuple(dict.fromkeys(str(a) for a in amenities))

    opened = None
    raw_opened = text("opened")
    if raw_opened:
        try:
            opened = date.fromisoformat(raw_opened)
        except ValueError:
            err("opened", f"无法识别的日期 {raw_opened!r}：请写成 2023-06-01")

    photos = []
    raw_photos = item.get("photos") or []
    if not isinstance(raw_photos, list):
        err("photos", "photos 应为列表，每项包含 src（图片路径）和 alt（图片说明）")
        raw_photos = []
    for photo in raw_photos:
        if not isinstance(photo, LineMap) or not photo.get("src") or not photo.get("alt"):
            line = photo.line if isinstance(photo, LineMap) else item.line_of("photos")
            problems.append(Problem(sf.shown, line, "每张照片都需要 src（图片路径）和 alt（图片说明）"))
            continue
        problem = url_problem(str(photo["src"]).strip(), "stations/notes.yaml")
        if problem:
            # The same rule as an article's cover: a photo's src is an <img src>.
            problems.append(Problem(sf.shown, photo.line_of("src"), f"照片 {problem}"))
            continue
        photos.append(Photo(str(photo["src"]), str(photo.typed("alt")), photo.line_of("src")))

    sample = item.get("sample", False)
    if not isinstance(sample, bool):
        err("sample", "sample 应为 true 或 false")
    if not (station_id and name and district and address and location and amenities is not None and datum in DATUMS):
        return None
    return Station(
        id=station_id,
        name=name,
        district=district,
        address=address,
        lat=location[0],
        lng=location[1],
        datum=datum,
        amenities=amenities,
        where=Where(sf.shown, item.line),
        hours=text("hours"),
        phone=text("phone"),
        operator=text("operator"),
        opened=opened,
        notes=text("notes"),
        photos=tuple(photos),
        sample=sample is True,
    )


def _check_place(station: Station, line: int, config: SiteConfig, seen: dict, problems: list[Problem]) -> None:
    """Warnings for a likely typo: outside the city's box, or on top of another station."""
    lat, lng = wgs84(station)
    bounds = config.finder.bounds
    if bounds and not bounds.contains(lat, lng):
        problems.append(
            Problem(
                station.where.path,
                line,
                f"站点 {station.id!r} 的坐标（换算为 WGS-84 为 lat={lat:.5f}, lng={lng:.5f}）在 stations.bounds 之外"
                f"（{bounds}）：请核对坐标，或在 site.yaml 中放宽 stations.bounds",
                "warning",
            )
        )
    # About a metre: two records this close are one place entered twice, or a copied coordinate.
    key = (round(lat, 5), round(lng, 5))
    first = seen.get(key)
    if first:
        other, other_line = first
        problems.append(
            Problem(
                station.where.path,
                line,
                f"站点 {station.id!r} 与站点 {other.id!r}（{other.where.path}:{other_line}）坐标相同：是否重复录入，或复制了坐标？",
                "warning",
            )
        )
    else:
        seen[key] = (station, line)


def validate_stations(files: tuple[StationFile, ...], config: SiteConfig) -> tuple[tuple[Station, ...], list[Problem]]:
    problems: list[Problem] = []
    stations: dict[str, Station] = {}
    seen_points: dict[tuple[float, float], tuple[Station, int]] = {}
    for sf in files:
        for item in sf.items:
            if not isinstance(item, LineMap):
                problems.append(Problem(sf.shown, sf.line, "站点列表的每一项都应为“字段: 值”的映射（以 - id: 开头）"))
                continue
            station = _station(item, sf, config, problems)
            if station is None:
                continue
            first = stations.get(station.id)
            if first:
                problems.append(Problem(sf.shown, item.line_of("id"), f"站点 id {station.id!r} 重复：{first.where.path}:{first.where.line} 已使用"))
                continue
            stations[station.id] = station
            _check_place(station, item.line_of("location"), config, seen_points, problems)
    district_order = {d: i for i, d in enumerate(config.districts)}
    ordered = sorted(stations.values(), key=lambda s: (district_order[s.district], s.sample, s.id))
    return tuple(ordered), problems


def wgs84(station: Station) -> tuple[float, float]:
    return convert(station.lat, station.lng, station.datum, "wgs84")


def by_district(stations: tuple[Station, ...], config: SiteConfig) -> tuple[tuple[str, tuple[Station, ...]], ...]:
    return tuple((d, group) for d in config.districts if (group := tuple(s for s in stations if s.district == d)))


def nearest(
    station: Station, stations: tuple[Station, ...], positions: dict[str, tuple[float, float]], count: int = 3
) -> tuple[tuple[Station, float], ...]:
    """The `count` closest other stations; `positions` holds each id's WGS-84
    point, converted once per build (the inverse GCJ-02 transform iterates)."""
    here = positions[station.id]
    others = [(s, distance_m(*here, *positions[s.id])) for s in stations if s.id != station.id]
    return tuple(sorted(others, key=lambda pair: (pair[1], pair[0].id))[:count])


def nearest_all(
    stations: tuple[Station, ...], positions: dict[str, tuple[float, float]], count: int = 3
) -> dict[str, tuple[tuple[Station, float], ...]]:
    """`nearest` for every station at once, without measuring every pair.

    Stations are sorted by latitude; from each, the search walks outwards in
    that order and stops once the latitude gap alone (a lower bound of the
    great-circle distance) exceeds the `count`-th best distance found. Same
    result as `nearest`, ties included (by distance, then id).
    """
    order = sorted(stations, key=lambda s: (positions[s.id][0], s.id))
    lats = [positions[s.id][0] for s in order]
    metres_per_degree = math.pi / 180 * EARTH_RADIUS_M
    result = {}
    for i, station in enumerate(order):
        lat, lng = positions[station.id]
        best: list[tuple[float, str, Station]] = []
        lo, hi = i - 1, i + 1
        while lo >= 0 or hi < len(order):
            gap_lo = lat - lats[lo] if lo >= 0 else math.inf
            gap_hi = lats[hi] - lat if hi < len(order) else math.inf
            if gap_lo <= gap_hi:
                j, gap, lo = lo, gap_lo, lo - 1
            else:
                j, gap, hi = hi, gap_hi, hi + 1
            # A small margin: the bound must never cut off a tie by rounding.
            if len(best) == count and gap * metres_per_degree > best[-1][0] * (1 + 1e-9) + 1e-6:
                break
            other = order[j]
            if other.id == station.id:
                continue
            best.append((distance_m(lat, lng, *positions[other.id]), other.id, other))
            best.sort(key=lambda t: (t[0], t[1]))
            del best[count:]
        result[station.id] = tuple((s, d) for d, _, s in best)
    return result


# OWASP's CSV-injection rule: a cell starting with one of these is a formula
# to Excel, WPS and LibreOffice (the full-width forms to WPS with a Chinese
# input method); a leading apostrophe makes it text, shown without the mark.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER_LIKE = re.compile(r"^[+-][\d\s().-]*$")


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet will not evaluate. A signed number or a
    phone number (+86 459 …) is left alone: no spreadsheet runs it."""
    if cell.lstrip(" ").startswith(FORMULA_START) and not _NUMBER_LIKE.match(cell.strip()):
        return "'" + cell
    return cell


def looks_like_formula(cell: str) -> bool:
    return spreadsheet_safe(cell) != cell
