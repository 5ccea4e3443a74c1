"""The station directory as open data: the finder's JSON, GeoJSON for maps
and GIS, and a CSV that Excel and WPS open. All WGS-84, whatever datum the
records are kept in, so a phone's position compares directly."""

from __future__ import annotations

import csv
import io
import json

from fengchao.content.config import SiteConfig
from fengchao.content.records import Station
from fengchao.content.stations import spreadsheet_safe, wgs84
from fengchao.site import urls as scheme
from fengchao.text import pinyin_slug

JSON_FILE = "stations/stations.json"
GEOJSON_FILE = "stations/stations.geojson"
CSV_FILE = "stations/stations.csv"


def stations_json(stations: tuple[Station, ...], urls: dict[str, str], config: SiteConfig, slug=pinyin_slug) -> str:
    """The finder's data: compact, WGS-84 so a phone's position compares directly."""
    records = []
    for s in stations:
        lat, lng = wgs84(s)
        records.append(
            {
                "id": s.id,
                "name": s.name,
                "district": s.district,
                "district_slug": slug(s.district),
                "address": s.address,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "amenities": list(s.amenities),
                "hours": s.hours,
                "url": urls[s.id],
                "sample": s.sample,
            }
        )
    data = {"datum": "wgs84", "amenities": dict(config.amenities), "stations": records}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def stations_geojson(stations: tuple[Station, ...], urls: dict[str, str], config: SiteConfig) -> str:
    labels = config.amenity_labels
    features = []
    for s in stations:
        lat, lng = wgs84(s)
        features.append(
            {
                "type": "Feature",
                "id": s.id,
                "geometry": {"type": "Point", "coordinates": [round(lng, 7), round(lat, 7)]},
                "properties": {
                    "name": s.name,
                    "district": s.district,
                    "address": s.address,
                    "amenities": [labels[a] for a in s.amenities],
                    "hours": s.hours,
                    "phone": s.phone,
                    "operator": s.operator,
                    "url": urls[s.id],
                    "sample": s.sample,
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1, sort_keys=True)


CSV_HEADERS = (
    "编号",
    "名称",
    "区县",
    "地址",
    "纬度（WGS-84）",
    "经度（WGS-84）",
    "设施",
    "开放时间",
    "电话",
    "运营单位",
    "启用日期",
    "示例数据",
    "网址",
)


def stations_csv(stations: tuple[Station, ...], urls, config: SiteConfig) -> str:
    """UTF-8 with a BOM and CRLF rows, so Excel on a Chinese Windows opens it
    as UTF-8 (without the BOM it guesses GBK and shows mojibake)."""
    labels = config.amenity_labels
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for s in stations:
        lat, lng = wgs84(s)
        row = (
            s.id,
            s.name,
            s.district,
            s.address,
            f"{lat:.6f}",
            f"{lng:.6f}",
            "、".join(labels[a] for a in s.amenities),
            s.hours or "",
            s.phone or "",
            s.operator or "",
            s.opened.isoformat() if s.opened else "",
            "是" if s.sample else "",
            urls.absolute(scheme.station(s.id)),
        )
        # Cells a spreadsheet would run as a formula (OWASP CSV injection) are made text.
        writer.writerow(tuple(spreadsheet_safe(cell) for cell in row))
    return out.getvalue()
