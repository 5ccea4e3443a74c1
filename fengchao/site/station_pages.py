"""The station directory: the list by district (with the finder, filters and
map as enhancements), a page per district and per amenity (the same lists
without JavaScript), one page per station, and the open-data exports
(stations.json for the finder, stations.geojson, stations.csv, made by
open_data.py).

What a station page adds for a rider on the road: links that open the
station in Amap, Baidu and Tencent maps, the "report a problem" link and the
page's JSON-LD. All built at build time, so they work without JavaScript.
Each map app wants its own datum: Amap and Tencent GCJ-02, Baidu BD-09 (we
say so with `coord_type`). Names go through `quote(safe="")` so a name with
`&`, `#` or `;` cannot change a link's meaning."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from fengchao.content.identity import Strings
from fengchao.content.records import Guide, Station
from fengchao.content.stations import by_district, nearest_all, wgs84
from fengchao.geo import convert
from fengchao.problems import Problem
from fengchao.site import urls as scheme
from fengchao.site.charts import bar_chart
from fengchao.site.images import CARD_SIZES
from fengchao.site.jobs import Ctx, Job, RawFile
from fengchao.site.open_data import (
    CSV_FILE,
    GEOJSON_FILE,
    JSON_FILE,
    stations_csv,
    stations_geojson,
    stations_json,
)
from fengchao.site.views import Amenity, Link, Moment, Nearby, StationCard, StationView, ui_text
from fengchao.text import address_in

# Characters that are left as they are when a site.yaml URL template is made
# safe: the URL syntax itself and escapes already present.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _q(text: str) -> str:
    return quote(text, safe="")


def _tencent_text(text: str) -> str:
    # Tencent splits the marker on ";" and ":" after decoding the query, so
    # ASCII ones inside a name would cut it; the full-width forms read the same.
    return _q(text.replace(";", "；").replace(":", "："))


def nav_links(station: Station, app: str, text: Strings) -> tuple[Link, ...]:
    """Amap, Baidu, Tencent marker links, each in the datum the app expects."""
    g_lat, g_lng = convert(station.lat, station.lng, station.datum, "gcj02")
    b_lat, b_lng = convert(station.lat, station.lng, station.datum, "bd09")
    name = station.name
    addr = station.address if station.address.startswith(station.district) else station.district + station.address
    amap = f"https://uri.amap.com/marker?position={g_lng:.6f},{g_lat:.6f}&name={_q(name)}&src={_q(app)}&coordinate=gaode&callnative=1"
    baidu = (
        f"https://api.map.baidu.com/marker?location={b_lat:.6f},{b_lng:.6f}&title={_q(name)}"
        f"&content={_q(addr)}&output=html&coord_type=bd09ll&src={_q('webapp.' + app)}"
    )
    tencent = (
        f"https://apis.map.qq.com/uri/v1/marker?marker=coord:{g_lat:.6f},{g_lng:.6f};"
        f"title:{_tencent_text(name)};addr:{_tencent_text(addr)}&referer={_q(app)}"
    )
    return (Link(text.map_app_amap, amap), Link(text.map_app_baidu, baidu), Link(text.map_app_tencent, tencent))


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
        "amenityFeature": [{"@type": "LocationFeatureSpecification", "name": labels[a], "value": True} for a in station.amenities],
    }
    if station.phone:
        data["telephone"] = station.phone
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class DirectoryPart:
    jobs: tuple
    raw: tuple


@dataclass(frozen=True)
class MapView:
    """What the map script needs, read from data-* attributes."""

    tiles: str
    subdomains: str
    datum: str
    attribution: str
    max_zoom: int
    leaflet_js: str
    leaflet_css: str


def station_card(ctx: Ctx, station: Station) -> StationCard:
    labels = ctx.config.amenity_labels
    return StationCard(
        id=station.id,
        name=station.name,
        url=ctx.urls.page(scheme.station(station.id)),
        district=station.district,
        address=address_in(station.district, station.address),
        hours=station.hours,
        amenities=tuple(Amenity(a, labels[a]) for a in station.amenities),
        sample=station.sample,
        district_slug=ctx.slug(station.district),
        thumb_html=_thumb(ctx, station),
    )


def _thumb(ctx: Ctx, station: Station) -> str:
    """The first photo, small, for the station's card (decorative: the card's title says what it is)."""
    if not station.photos or ctx.images is None:
        return ""
    src, problem = ctx.markdown.links.resolve(station.photos[0].src, "stations/notes.yaml")
    rel = None if problem else ctx.images.rel_of(src)
    return ctx.images.picture(rel, "", CARD_SIZES, thumb=True) if rel in ctx.images.processed else ""


def assemble_directory(ctx: Ctx, stations: tuple[Station, ...], guides: tuple[Guide, ...], problems: list[Problem]) -> DirectoryPart:

    urls, config = ctx.urls, ctx.config
    cards = {s.id: station_card(ctx, s) for s in stations}
    groups = tuple((district, tuple(cards[s.id] for s in group)) for district, group in by_district(stations, config))
    # Districts with a real station first (validate already sorts real stations before samples within one).
    groups = tuple(sorted(groups, key=lambda group: all(card.sample for card in group[1])))
    finder = config.finder
    amenity_counts = tuple((Amenity(key, label), sum(1 for s in stations if key in s.amenities)) for key, label in config.amenities)
    slugs = {d: ctx.slug(d) for d in config.districts}
    district_pages = tuple((Link(d, urls.page(scheme.district(slugs[d]))), len(group)) for d, group in groups)
    amenity_pages = tuple((Link(a.label, urls.page(scheme.amenity(a.key))), a, n) for a, n in amenity_counts if n)
    charts = station_charts(groups, amenity_counts, len(stations), ctx.site.text)
    tiles = config.finder.tiles
    map_view = tiles and MapView(
        tiles.url,
        tiles.subdomains,
        tiles.datum,
        tiles.attribution,
        tiles.max_zoom,
        urls.page("assets/vendor/leaflet/leaflet.js"),
        urls.page("assets/vendor/leaflet/leaflet.css"),
    )
    text = ctx.site.text
    meta = ctx.meta(text.stations_title, scheme.STATIONS, "stations", text.stations_description)
    jobs: list[Job] = [
        ctx.job(
            scheme.STATIONS,
            "stations_index.html",
            meta,
            groups=groups,
            total=len(stations),
            sample_count=sum(1 for s in stations if s.sample),
            amenity_counts=amenity_counts,
            json_url=urls.page(JSON_FILE),
            geojson_url=urls.page(GEOJSON_FILE),
            csv_url=urls.page(CSV_FILE),
            district_pages=district_pages,
            amenity_pages=amenity_pages,
            districts=tuple((d, slugs[d]) for d in config.districts),
            amenities=tuple(a for a, _ in amenity_counts),
            charts=charts,
            map=map_view,
            scripts=(urls.page("assets/geo.js"), urls.page("assets/finder.js"), urls.page("assets/map.js")),
            finder_text=ui_text(text, "js_finder_", "distance_", "sample_badge", "list_separator"),
            map_text=ui_text(text, "js_map_"),
        )
    ]
    crumbs = (Link(text.stations_title, urls.page(scheme.STATIONS)),)
    for (link, count), (district, group) in zip(district_pages, groups):
        rel = scheme.district(slugs[district])
        jobs.append(
            ctx.job(
                rel,
                "stations_list.html",
                ctx.meta(
                    text.fill("district_heading", district=district),
                    rel,
                    "stations",
                    ctx.site.text.fill("district_description", district=district, count=count),
                    breadcrumbs=crumbs,
                ),
                heading=text.fill("district_heading", district=district),
                cards=group,
                total=len(stations),
                others=district_pages,
                others_label=text.others_districts,
                current=link.url,
                filter_url=urls.page(f"stations/?district={slugs[district]}"),
            )
        )
    for link, amenity, count in amenity_pages:
        rel = scheme.amenity(amenity.key)
        matching = tuple(cards[s.id] for s in stations if amenity.key in s.amenities)
        jobs.append(
            ctx.job(
                rel,
                "stations_list.html",
                ctx.meta(
                    text.fill("amenity_heading", amenity=amenity.label),
                    rel,
                    "stations",
                    ctx.site.text.fill("amenity_description", amenity=amenity.label, count=count),
                    breadcrumbs=crumbs,
                ),
                heading=text.fill("amenity_heading", amenity=amenity.label),
                cards=matching,
                total=len(stations),
                others=tuple((ln, n) for ln, _, n in amenity_pages),
                others_label=text.others_amenities,
                current=link.url,
                filter_url=urls.page(f"stations/?amenity={amenity.key}"),
            )
        )
    positions = {s.id: wgs84(s) for s in stations}
    labels = config.amenity_labels
    near = nearest_all(stations, positions)
    for station in stations:
        notes_html = None
        if station.notes:
            result, link_problems = ctx.markdown.render(station.notes, "stations/notes.yaml", station.where.path, station.where.line)
            problems += link_problems
            notes_html = result.html
        photos = []
        for photo in station.photos:
            src, problem = ctx.markdown.links.resolve(photo.src, "stations/notes.yaml")
            if problem:
                problems.append(Problem(station.where.path, station.where.line, f"照片：{problem}"))
            # Processed (or an SVG behind <img>); else an outside address as written.
            shown = ctx.images.picture(ctx.images.rel_of(src), photo.alt, first=not photos) if ctx.images else ""
            photos.append((shown or _plain_img(src, photo.alt), photo.alt))
        view = StationView(
            card=cards[station.id],
            phone=station.phone,
            operator=station.operator,
            opened=Moment.of_day(station.opened, text) if station.opened else None,
            notes_html=notes_html,
            photos=tuple(photos),
            lat=station.lat,
            lng=station.lng,
            datum=station.datum,
            nearby=tuple(Nearby(cards[s.id], text.distance(d)) for s, d in near[station.id]),
            guides=tuple(Link(g.title, urls.page(scheme.guide(g.slug))) for g in guides if station.id in g.stations),
            nav=nav_links(station, finder.nav_app, text),
            json_ld=json_ld(station, urls.absolute(scheme.station(station.id)), positions[station.id], labels),
            report_url=report_url(finder.report_url, station),
        )
        rel = scheme.station(station.id)
        description = text.fill(
            "station_description",
            name=station.name,
            address=station.district + address_in(station.district, station.address),
            amenity_list=text.list_separator.join(a.label for a in view.card.amenities),
        )
        crumbs_here = crumbs + (Link(station.district, urls.page(scheme.district(ctx.slug(station.district)))),)
        jobs.append(
            ctx.job(
                rel,
                "station.html",
                ctx.meta(station.name, rel, "stations", description, breadcrumbs=crumbs_here),
                station=view,
                scripts=(urls.page("assets/wechat.js"),),
            )
        )

    url_of = {s.id: urls.page(scheme.station(s.id)) for s in stations}
    raw: list[RawFile] = [
        RawFile(JSON_FILE, stations_json(stations, url_of, config, ctx.slug).encode()),
        RawFile(GEOJSON_FILE, stations_geojson(stations, url_of, config).encode()),
        RawFile(CSV_FILE, stations_csv(stations, ctx.urls, config).encode("utf-8")),
    ]
    return DirectoryPart(tuple(jobs), tuple(raw))


def station_charts(groups, amenity_counts, total: int, text: Strings) -> tuple[str, str]:
    """Stations per district and amenity coverage, as inline SVG made now."""
    per_district = bar_chart(text.chart_districts_title, tuple((d, len(cards)) for d, cards in groups), unit=text.chart_unit)
    coverage = bar_chart(text.chart_amenities_title, tuple((a.label, n) for a, n in amenity_counts), unit=text.chart_unit, total=total)
    return per_district, coverage


def home_charts(stations: tuple[Station, ...], config) -> tuple[str, str]:
    groups = by_district(stations, config)
    counts = tuple((Amenity(key, label), sum(1 for s in stations if key in s.amenities)) for key, label in config.amenities)
    # With few real stations most amenities are at 0: the home page shows those the stations have.
    return station_charts(groups, tuple((a, n) for a, n in counts if n) or counts, len(stations), config.identity.strings)


def _plain_img(src: str, alt: str) -> str:
    """A photo this build did not process (an outside https:// address)."""
    return f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy" decoding="async">'
