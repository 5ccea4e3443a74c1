"""The station directory: the list by district, one page per station, and
the open-data exports (stations.json for the finder, stations.geojson)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Problem
from .model import Guide, Station
from .stations import by_district, nearest_all, stations_geojson, stations_json, wgs84
from .views import Amenity, Link, Moment, Nearby, StationCard, StationView

if TYPE_CHECKING:
    from .assemble import Ctx, Job, RawFile


@dataclass(frozen=True)
class DirectoryPart:
    jobs: tuple
    raw: tuple


def station_card(ctx: "Ctx", station: Station) -> StationCard:
    labels = ctx.config.amenity_labels
    return StationCard(
        id=station.id, name=station.name, url=ctx.urls.page(f"stations/{station.id}/"),
        district=station.district, address=station.address, hours=station.hours,
        amenities=tuple(Amenity(a, labels[a]) for a in station.amenities), sample=station.sample,
    )


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{int(round(metres, -1))} 米"
    return f"{metres / 1000:.1f} 公里"


def assemble_directory(ctx: "Ctx", stations: tuple[Station, ...], guides: tuple[Guide, ...], problems: list[Problem]) -> DirectoryPart:
    from .assemble import RawFile

    urls, config = ctx.urls, ctx.config
    cards = {s.id: station_card(ctx, s) for s in stations}
    groups = tuple((district, tuple(cards[s.id] for s in group)) for district, group in by_district(stations, config))
    amenity_counts = tuple(
        (Amenity(key, label), sum(1 for s in stations if key in s.amenities)) for key, label in config.amenities
    )
    meta = ctx.meta("找驿站", "stations/", "stations", "大庆“庆小驿”温暖服务站名录：按区县查找，可看到每个站点的休息、饮水、微波炉、充电等设施。")
    jobs: list["Job"] = [
        ctx.job(
            "stations/", "stations_index.html", meta, groups=groups, total=len(stations),
            sample_count=sum(1 for s in stations if s.sample), amenity_counts=amenity_counts,
            json_url=urls.page("stations/stations.json"), geojson_url=urls.page("stations/stations.geojson"),
        )
    ]
    crumbs = (Link("找驿站", urls.page("stations/")),)
    positions = {s.id: wgs84(s) for s in stations}
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
            photos.append((src, photo.alt))
        view = StationView(
            card=cards[station.id], phone=station.phone, operator=station.operator,
            opened=Moment.of_day(station.opened) if station.opened else None, notes_html=notes_html,
            photos=tuple(photos), lat=station.lat, lng=station.lng, datum=station.datum,
            nearby=tuple(Nearby(cards[s.id], distance_text(d)) for s, d in near[station.id]),
            guides=tuple(Link(g.title, urls.page(f"guides/{g.slug}/")) for g in guides if station.id in g.stations),
        )
        rel = f"stations/{station.id}/"
        description = f"{station.name}：{station.district}{station.address}。设施：{'、'.join(a.label for a in view.card.amenities)}。"
        crumbs_here = crumbs + (Link(station.district, urls.page(f"stations/#{station.district}")),)
        jobs.append(ctx.job(rel, "station.html", ctx.meta(station.name, rel, "stations", description, breadcrumbs=crumbs_here), station=view))

    url_of = {s.id: urls.page(f"stations/{s.id}/") for s in stations}
    raw: list["RawFile"] = [
        RawFile("stations/stations.json", stations_json(stations, url_of, config).encode()),
        RawFile("stations/stations.geojson", stations_geojson(stations, url_of, config).encode()),
    ]
    return DirectoryPart(tuple(jobs), tuple(raw))
