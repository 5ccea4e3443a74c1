"""Embeds inside Markdown: a station card, a small map of stations, a contact
card and a notice box, resolved at build time.

The syntax is GitHub's alert syntax (`> [!NOTE]`), widened to Chinese words:

    > [!驿站] gaoxin-001
    > [!地图] gaoxin-001、gaoxin-002
    > [!联系] 高新区总工会
    > 电话：0459-1234567
    > [!提示] / [!注意] / [!重要]   (and GitHub's NOTE, TIP, IMPORTANT, WARNING, CAUTION)

Why this and not `{{< station >}}` or `!!! note`: every Markdown viewer
shows an unknown embed as a quotation that still reads ("[!驿站] gaoxin-001"),
GitHub renders the notices natively, `[!` never occurs in prose (so an
unknown word is a mistake to report, not an article's 【编者按】), and the
brackets may be typed in a Chinese input method (【！驿站】).

Each embed leaves a placeholder paragraph in the Markdown (STX/ETX, which
Python-Markdown strips from what editors write, so no one can forge one).
The placeholders pass the sanitizer as text; `finish()` then swaps in HTML
this module built with every value escaped. Text for summaries is taken
before the swap, so cards, maps and notice labels never reach a summary, a
meta description or a feed; each card carries `data-pagefind-ignore`.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from markdown.preprocessors import Preprocessor

from fengchao.text import address_in

NOTICES = {
    "提示": "tip",
    "注意": "warning",
    "重要": "important",
    "NOTE": "tip",
    "TIP": "tip",
    "IMPORTANT": "important",
    "WARNING": "warning",
    "CAUTION": "warning",
}
# The box's heading, by its strings key (notice_tip: 提示 …).
NOTICE_LABELS = {"tip": "notice_tip", "warning": "notice_warning", "important": "notice_important"}
KINDS = ("驿站", "地图", "联系", "提示", "注意", "重要")
CONTACT_FIELDS = {"电话": "phone", "地址": "address", "时间": "hours", "邮箱": "email"}
MAP_MAX = 12

_QUOTE = re.compile(r"^ {0,3}>")
_MARKER = re.compile(r"^ {0,3}> ?\s*[\[【]\s*[!！]\s*([^\]】\s]+)\s*[\]】]\s*(.*)$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_IDS = re.compile(r"[\s,，、;；]+")
_FIELD = re.compile(r"^\s*([^：:]{1,6})[：:]\s*(.*)$")
# Another generator's shortcode ({{< station x >}}, {{% notice %}}): printed as text it would land in summaries.
_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*([\w-]+)")
_PLACEHOLDER = re.compile("(?:<p>)?\x02fcembed:(\\d+)(:end)?\x03(?:</p>)?")


@dataclass(frozen=True)
class StationRef:
    """What an embed may show of a station (built by site/assemble.py)."""

    id: str
    name: str
    district: str
    address: str
    hours: str | None
    url: str  # site-relative, under base_path ("/hub/stations/gaoxin-001/")
    lat: float  # WGS-84, for the map
    lng: float
    sample: bool = False


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class EmbedPreprocessor(Preprocessor):
    """Finds embed blocks (outside fenced code) by line, so problems carry
    the editor's line number, and leaves placeholders."""

    def __init__(self, md, owner):
        super().__init__(md)
        self.owner = owner  # the MarkdownRenderer: stations, report(), made

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fence = ""
        i = 0
        while i < len(lines):
            line = lines[i]
            opened = _FENCE.match(line)
            if fence:
                fence = "" if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) else fence
                out.append(line)
                i += 1
                continue
            if opened:
                fence = opened.group(1)
            shortcode = _SHORTCODE.search(line)
            if shortcode and not fence and "`" not in line[: shortcode.start()]:
                self.owner.refuse(shortcode.group(0), i)
            marker = _MARKER.match(line)
            starts_quote = not out or not _QUOTE.match(out[-1])
            if marker and not fence and starts_quote:
                end = i + 1
                while end < len(lines) and lines[end].strip():
                    end += 1
                inner = [re.sub(r"^ {0,3}> ?", "", text) for text in lines[i + 1 : end]]
                out += self.owner.embed(marker.group(1), marker.group(2).strip(), inner, i)
                i = end
                continue
            out.append(line)
            i += 1
        return out


def placeholder(number: int, end: bool = False) -> str:
    return f"\x02fcembed:{number}{':end' if end else ''}\x03"


class Words:
    """The wording embeds show readers: the site's strings (embed_*, notice_*,
    sample_*, distance_*), handed over by site/assemble.py in `LinkMap.wording`."""

    def __init__(self, items: tuple[tuple[str, str], ...]):
        self._items = dict(items)

    def __getitem__(self, key: str) -> str:
        # A LinkMap made only to check links (check/early_links.py) has none.
        return self._items.get(key, "")

    def fill(self, key: str, **values: object) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]) if m[1] in values else m[0], self[key])


def parse(kind: str, args: str, inner: list[str], find, words: Words) -> tuple[str | None, list[str], list[tuple[int, str]]]:
    """One embed → (HTML or None for a notice, Markdown lines kept, problems as (line offset, message))."""
    word = kind.upper() if kind.isascii() else kind
    if word in NOTICES:
        return None, ([args] if args else []) + inner, []
    if word == "驿站":
        refs, problems = _stations(args, find, 1)
        return (station_card(refs[0], words) if refs else ""), [], problems
    if word == "地图":
        refs, problems = _stations(args, find, MAP_MAX)
        return (station_map(refs, words) if refs else ""), [], problems
    if word == "联系":
        return contact(args, inner, words)
    return "", [], [(0, f"未知的嵌入「[!{kind}]」。可用的有：{'、'.join(KINDS)}（写法见编辑手册 3.6 节）")]


def _stations(args: str, find, most: int) -> tuple[list[StationRef], list[tuple[int, str]]]:
    ids = [i for i in _IDS.split(args) if i]
    if not ids:
        return [], [(0, "嵌入缺少站点编号，例如 > [!驿站] gaoxin-001")]
    if len(ids) > most:
        what = "驿站卡片只能放 1 个站点" if most == 1 else f"地图最多放 {most} 个站点"
        return [], [(0, f"{what}，这里写了 {len(ids)} 个")]
    found = {i: find(i) for i in dict.fromkeys(ids)}
    unknown = [i for i, ref in found.items() if ref is None]
    if unknown:
        return [], [(0, f"站点编号 {'、'.join(unknown)} 不存在（请核对 content/stations/ 中的 id）")]
    return list(found.values()), []


def _sample(words: Words) -> str:
    return f' <span class="badge" title="{_e(words["sample_title"])}">{_e(words["sample_badge"])}</span>'


def station_card(ref: StationRef, words: Words) -> str:
    badge = _sample(words) if ref.sample else ""
    where = " · ".join(_e(part) for part in (ref.district, address_in(ref.district, ref.address), ref.hours or "") if part)
    return (
        f'<aside class="embed embed-station" data-pagefind-ignore aria-label="{_e(words.fill("embed_station_label", name=ref.name))}">'
        f'<p class="embed-kicker">{_e(words["embed_station"])}</p>'
        f'<p class="embed-title"><a href="{_e(ref.url)}">{_e(ref.name)}</a>{badge}</p>'
        f'<p class="meta">{where}</p>'
        f'<p class="embed-more"><a href="{_e(ref.url)}">{_e(words["embed_station_more"])}</a></p>'
        "</aside>"
    )


def contact(name: str, lines: list[str], words: Words) -> tuple[str, list[str], list[tuple[int, str]]]:
    problems: list[tuple[int, str]] = []
    if not name:
        problems.append((0, "联系卡片缺少名称，例如 > [!联系] 高新区总工会"))
    rows = []
    for offset, text in enumerate(lines, 1):
        if not text.strip():
            continue
        field = _FIELD.match(text)
        key = field.group(1).strip() if field else ""
        if key not in CONTACT_FIELDS:
            problems.append((offset, f"联系卡片不认识这一行「{text.strip()[:20]}」：每行写“电话：…”“地址：…”“时间：…”或“邮箱：…”"))
            continue
        value = field.group(2).strip()
        if key == "电话":
            shown = f'<a href="tel:{_e(re.sub(r"[^0-9+]", "", value))}">{_e(value)}</a>'
        elif key == "邮箱":
            shown = f'<a href="mailto:{_e(value)}">{_e(value)}</a>'
        else:
            shown = _e(value)
        rows.append(f"<dt>{key}</dt><dd>{shown}</dd>")
    if problems:
        return "", [], problems
    card = (
        f'<aside class="embed embed-contact" data-pagefind-ignore aria-label="{_e(words.fill("embed_contact_label", name=name))}">'
        f'<p class="embed-kicker">{_e(words["embed_contact"])}</p><p class="embed-title">{_e(name)}</p>'
        f"<dl>{''.join(rows)}</dl></aside>"
    )
    return card, [], []


WIDTH, HEIGHT, PAD = 480, 300, 36


def _project(refs: list[StationRef]) -> list[tuple[float, float]]:
    """Equirectangular around the stations' middle latitude (a few km of a
    city: the distortion is far below a marker's size)."""
    scale_x = math.cos(math.radians(sum(r.lat for r in refs) / len(refs)))
    xs = [r.lng * scale_x for r in refs]
    ys = [-r.lat for r in refs]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 0.004)
    k = min((WIDTH - 2 * PAD) / span, (HEIGHT - 2 * PAD) / span)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [(WIDTH / 2 + (x - cx) * k, HEIGHT / 2 + (y - cy) * k) for x, y in zip(xs, ys)]


def _scale_bar(refs: list[StationRef], points: list[tuple[float, float]], words: Words) -> str:
    """A bar of a round length, so readers can judge walking distance."""
    if len(refs) < 2:
        return ""
    a, b = max(((i, j) for i in range(len(refs)) for j in range(len(refs)) if i < j), key=lambda p: abs(points[p[0]][0] - points[p[1]][0]))
    pixels = abs(points[a][0] - points[b][0])
    metres = abs(refs[a].lng - refs[b].lng) * 111_320 * math.cos(math.radians(refs[a].lat))
    if pixels < 1 or metres < 1:
        return ""
    per_pixel = metres / pixels
    length = next((m for m in (50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000) if m / per_pixel >= 60), 100000)
    bar = length / per_pixel
    label = _e(words.fill("distance_km", n=length // 1000) if length >= 1000 else words.fill("distance_m", n=length))
    y = HEIGHT - 14
    return f'<path d="M16 {y - 5}v5h{bar:.0f}v-5" class="map-scale"/><text x="{16 + bar / 2:.0f}" y="{y - 9}" class="map-note">{label}</text>'


def station_map(refs: list[StationRef], words: Words) -> str:
    points = _project(refs)
    marks = []
    for number, ((x, y), ref) in enumerate(zip(points, refs), 1):
        marks.append(
            f'<g class="map-pin{" map-pin-sample" if ref.sample else ""}"><circle cx="{x:.1f}" cy="{y:.1f}" r="17"/><text x="{x:.1f}" y="{y + 6:.1f}" text-anchor="middle">{number}</text></g>'
        )
    names = words["list_separator"].join(ref.name for ref in refs)
    svg = (
        f'<svg class="map-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{_e(words.fill("embed_map_image", count=len(refs), names=names))}">'
        f'<rect class="map-ground" width="{WIDTH}" height="{HEIGHT}"/>'
        f'<path class="map-grid" d="{_grid()}"/>'
        f"{''.join(marks)}{_scale_bar(refs, points, words)}"
        f'<text x="{WIDTH - 16}" y="28" text-anchor="end" class="map-note">{_e(words["embed_map_north"])}</text></svg>'
    )
    items = "".join(
        f'<li><a href="{_e(ref.url)}">{_e(ref.name)}</a>{_sample(words) if ref.sample else ""} <span class="meta">{_e(ref.district)} · {_e(address_in(ref.district, ref.address))}</span></li>'
        for ref in refs
    )
    return (
        f'<aside class="embed embed-map" data-pagefind-ignore aria-label="{_e(words["embed_map_label"])}">'
        f'<figure>{svg}<figcaption>{_e(words["embed_map_caption"])}</figcaption></figure>'
        f"<ol>{items}</ol></aside>"
    )


def _grid() -> str:
    lines = [f"M{x} 0V{HEIGHT}" for x in range(60, WIDTH, 60)] + [f"M0 {y}H{WIDTH}" for y in range(60, HEIGHT, 60)]
    return "".join(lines)


def notice_open(kind: str, words: Words) -> str:
    label = _e(words[NOTICE_LABELS[NOTICES[kind.upper() if kind.isascii() else kind]]])
    kind_class = NOTICES[kind.upper() if kind.isascii() else kind]
    return f'<aside class="callout callout-{kind_class}" aria-label="{label}"><p class="callout-label" data-pagefind-ignore>{label}</p>'


def finish(rendered: str, made: list[str]) -> tuple[str, str]:
    """(the page's HTML with embeds in, the HTML to take text from: none)."""

    def swap(match: re.Match) -> str:
        return "</aside>" if match.group(2) else made[int(match.group(1))]

    if "\x02fcembed:" not in rendered:
        return rendered, rendered
    return _PLACEHOLDER.sub(swap, rendered), _PLACEHOLDER.sub(" ", rendered)


_EMBED_BLOCK = re.compile(r'<aside class="embed [^"]*"[^>]*>.*?</aside>', re.S)


def without_cards(rendered: str) -> str:
    """HTML for a feed: station cards, maps and contact cards removed (their
    links are site-relative and feed readers drop inline SVG); notices stay."""
    return _EMBED_BLOCK.sub("", rendered)
