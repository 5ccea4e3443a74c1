"""What a station page adds for a rider on the road: links that open the
station in Amap, Baidu and Tencent maps, the "report a problem" link and the
page's JSON-LD. All built at build time, so they work without JavaScript.

Each map app wants its own datum: Amap and Tencent GCJ-02, Baidu BD-09 (we
say so with `coord_type`). Names go through `quote(safe="")` so a name with
`&`, `#` or `;` cannot change a link's meaning.
"""
from __future__ import annotations

import json
from urllib.parse import quote

from fengchao.geo import convert
from fengchao.content.records import Station
from fengchao.site.views import Link

# Characters that are left as they are when a site.yaml URL template is made
# safe: the URL syntax itself and escapes already present.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _q(text: str) -> str:
    return quote(text, safe="")


def _tencent_text(text: str) -> str:
    # Tencent splits the marker on ";" and ":" after decoding the query, so
    # ASCII ones inside a name would cut it; the full-width forms read the same.
    return _q(text.replace(";", "；").replace(":", "："))


def nav_links(station: Station, app: str) -> tuple[Link, ...]:
    """Amap, Baidu, Tencent marker links, each in the datum the app expects."""
    g_lat, g_lng = convert(station.lat, station.lng, station.datum, "gcj02")
    b_lat, b_lng = convert(station.lat, station.lng, station.datum, "bd09")
    name = station.name
    addr = station.address if station.address.startswith(station.district) else station.district + station.address
    amap = (
        f"https://uri.amap.com/marker?position={g_lng:.6f},{g_lat:.6f}&name={_q(name)}"
        f"&src={_q(app)}&coordinate=gaode&callnative=1"
    )
    baidu = (
        f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lng:.6f}&title={_q(name)}"
        f"&content={_q(addr)}&output=html&coord_type=bd09ll&src={_q('webapp.' + app)}"
    )
    tencent = (
        f"https://apis.map.qq.com/uri/v1/marker?marker=coord:{g_lat:.6f},{g_lng:.6f};"
        f"title:{_tencent_text(name)};addr:{_tencent_text(addr)}&referer={_q(app)}"
    )
    return (Link("高德地图", amap), Link("百度地图", baidu), Link("腾讯地图", tencent))


def report_url(template: str | None, station: Station) -> str | None:
    """site.yaml's `report_url` with {id} and {name} filled in; any Chinese
    text left in the template is percent-encoded too (mailto subjects)."""
    if not template:
        return None
    filled = template.replace("{id}", _q(station.id)).replace("{name}", _q(station.name))
    return quote(filled, safe=_URL_SAFE)


def json_ld(station: Station, url: str, wgs: tuple[float, float], labels: dict[str, str]) -> str:
    """schema.org CivicStructure with WGS-84 `geo`, safe inside <script>.

    `<`, `>` and `&` are written as \\u003c etc.: JSON parsers read them back
    unchanged, and no station name can close the script element early.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "CivicStructure",
        "name": station.name,
        "url": url,
        "address": {"@type": "PostalAddress", "addressLocality": station.district, "streetAddress": station.address, "addressCountry": "CN"},
        "geo": {"@type": "GeoCoordinates", "latitude": round(wgs[0], 6), "longitude": round(wgs[1], 6)},
        "amenityFeature": [
            {"@type": "LocationFeatureSpecification", "name": labels[a], "value": True} for a in station.amenities
        ],
    }
    if station.phone:
        data["telephone"] = station.phone
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
