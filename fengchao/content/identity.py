"""site.yaml's identity keys: menu, footer links, logo, accent colour, strings.

What makes one program's hub look like its own without touching a template:
the interface wording comes from the theme's strings file for the site's
language (fengchao/theme/strings/zh-CN.yaml), with single strings replaced
under `strings:`; the menu and footer links are lists of label and URL; the
accent colour is checked here for WCAG AA contrast against the backgrounds the
theme puts it on and under, so an unreadable colour is an error with its line
rather than a page riders cannot read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fengchao import theme
from fengchao.content.yaml_lines import LineMap, parse_yaml
from fengchao.problems import Problem

# Where the theme puts the accent: as text on the page, on white cards and on
# its own pale tint (figures, the search button); white text on it (header,
# primary buttons) is the same pair as accent on a white card.
BACKGROUNDS = (("#ffffff", "白色底上（白字放在它上面也一样）"), ("#fffdf8", "页面底色上"))
TINT_LABEL = "它自己的浅色底上（首页数字、搜索按钮）"
AA_NORMAL_TEXT = 4.5
DEFAULT_ACCENT = "#7a4f00"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Strings:
    """The interface wording, read by templates as `site.text.<name>`.

    A missing key is an AttributeError, which Jinja's StrictUndefined turns
    into a render error naming the template line (not an empty string)."""

    items: tuple[tuple[str, str], ...] = ()

    def __getattr__(self, name: str) -> str:
        if name.startswith("_") or name == "items":
            raise AttributeError(name)
        for key, value in self.items:
            if key == name:
                return value
        raise AttributeError(f"界面文字没有 {name} 这一条")

    def fill(self, name: str, /, **values: object) -> str:
        """The string `name` with `{district}`-style blanks filled in, in one
        pass: a value that itself holds `{name}` (a station called so) stays as it is."""
        return _PLACEHOLDER.sub(lambda m: str(values[m[1]]) if m[1] in values else m[0], getattr(self, name))

    def date(self, moment: date, with_time: bool = False) -> str:
        """`date_format` ("{y}年{m}月{d}日"); with the time when asked and not midnight."""
        text = self.fill("date_format", y=moment.year, m=moment.month, d=moment.day)
        if with_time and isinstance(moment, datetime) and (moment.hour or moment.minute):
            text = self.fill("date_time_format", date=text, hh=f"{moment.hour:02d}", mm=f"{moment.minute:02d}")
        return text

    def distance(self, metres: float) -> str:
        """ "850 米" / "2.4 公里": tens of metres below 1 km, else km to one decimal (as assets/geo.js)."""
        if metres < 1000:
            return self.fill("distance_m", n=int(round(metres, -1)))
        return self.fill("distance_km", n=f"{metres / 1000:.1f}")

    def pick(self, prefix: str) -> dict[str, str]:
        """The strings whose names start with `prefix`: what a page's script is given."""
        return {key: value for key, value in self.items if key.startswith(prefix)}


@dataclass(frozen=True)
class Identity:
    strings: Strings = Strings()
    menu: tuple[tuple[str, str], ...] | None = None  # (label, url as written); None: the theme's menu
    footer_links: tuple[tuple[str, str], ...] | None = None  # None: archive, feed, open data
    logo: str = ""  # a file under assets/ ("" = the theme's hive icon)
    accent: str = ""  # "#rrggbb" ("" = the theme's colour, no extra stylesheet)


def parse_identity(data: LineMap, shown: str, root: Path, language: str, problems: list[Problem]) -> Identity:
    return Identity(
        strings=_strings(data, shown, language, problems),
        menu=_links(data, "menu", shown, problems),
        footer_links=_links(data, "footer_links", shown, problems),
        logo=_logo(data, shown, root, problems),
        accent=_accent(data, shown, problems),
    )


def theme_strings(language: str = "zh-CN") -> Strings:
    """The theme's wording for `language` as shipped, no `strings:` applied (for tests and tools)."""
    return _strings(LineMap(), "site.yaml", language, [])


def _strings(data: LineMap, shown: str, language: str, problems: list[Problem]) -> Strings:
    source = theme.STRINGS / f"{language}.yaml"
    if not source.is_file():
        shipped = "、".join(sorted(p.stem for p in theme.STRINGS.glob("*.yaml")))
        problems.append(Problem(shown, data.line_of("language"), f"没有语言 {language} 的界面文字；目前提供：{shipped}"))
        return Strings()
    defaults, found = parse_yaml(source.read_text(encoding="utf-8"), f"fengchao/theme/strings/{source.name}", 1)
    problems += found
    # Every key the override leaves out keeps the theme's wording.
    merged = {str(k): "" if v is None else str(v) for k, v in (defaults or {}).items()}
    overrides = data.get("strings", LineMap())
    if not isinstance(overrides, LineMap):
        problems.append(Problem(shown, data.line_of("strings"), "strings 应该是“条目: 文字”映射，例如 station_brand: 庆小驿"))
        overrides = LineMap()
    for key, value in overrides.items():
        if key not in merged:
            # A warning: the page still builds with the theme's wording, and a
            # key a newer theme dropped must not stop an older hub's build.
            problems.append(
                Problem(
                    shown,
                    overrides.line_of(key),
                    f"strings 里没有 {key} 这一条界面文字，这一行不起作用（可改的条目见 fengchao/theme/strings/{source.name}）",
                    "warning",
                )
            )
        elif value is not None and not isinstance(value, str | int | float):
            problems.append(Problem(shown, overrides.line_of(key), f"strings.{key} 应该是一段文字"))
        else:
            merged[key] = "" if value is None else str(value)
    return Strings(tuple(_named_filled(merged).items()))


def _named_filled(merged: dict[str, str]) -> dict[str, str]:
    """`{station_brand}` inside another string becomes the brand, and so on
    down (`{stations_brand}` names `{station_brand}` in turn), so a program
    renames a thing once; blanks the program fills per page ({district},
    {count}) stay, and so does a name that would lead back to itself."""
    done: dict[str, str] = {}

    def filled(key: str, within: frozenset[str]) -> str:
        if key not in done:
            inner = within | {key}
            done[key] = _PLACEHOLDER.sub(lambda m: filled(m[1], inner) if m[1] in merged and m[1] not in inner else m[0], merged[key])
        return done[key]

    return {key: filled(key, frozenset()) for key in merged}


def _links(data: LineMap, key: str, shown: str, problems: list[Problem]) -> tuple[tuple[str, str], ...] | None:
    if key not in data:
        return None
    items = data[key]
    example = f"{key}:\n  - label: 新闻\n    url: news/"
    if not isinstance(items, list):
        problems.append(Problem(shown, data.line_of(key), f"{key} 应该是链接列表，每项写 label 和 url，例如：\n{example}"))
        return None
    links = []
    for item in items:
        line = item.line if isinstance(item, LineMap) else data.line_of(key)
        if not isinstance(item, LineMap) or not isinstance(item.get("label"), str) or not isinstance(item.get("url"), str):
            problems.append(Problem(shown, line, f"{key} 的每一项都要有 label（显示的文字）和 url（网址），例如：\n{example}"))
            continue
        url = item["url"].strip()
        scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
        if scheme and scheme[1].lower() not in ("http", "https", "mailto", "tel"):
            problems.append(
                Problem(shown, item.line_of("url"), f"{key} 的网址 {url!r} 不能用，只能是本站路径（如 news/）或 http(s)、mailto、tel 链接")
            )
            continue
        links.append((item["label"].strip(), url))
    return tuple(links)


def _logo(data: LineMap, shown: str, root: Path, problems: list[Problem]) -> str:
    logo = data.get("logo")
    if logo is None:
        return ""
    name = str(logo).strip().removeprefix("/").removeprefix("assets/")
    if not name or ".." in name.split("/") or not any((folder / name).is_file() for folder in theme.asset_dirs(root)):
        problems.append(
            Problem(shown, data.line_of("logo"), f"找不到 logo 文件 assets/{name}：请把图片放进站点的 assets/ 文件夹，写 logo: {name or 'logo.svg'}")
        )
        return ""
    return name


def _accent(data: LineMap, shown: str, problems: list[Problem]) -> str:
    accent = data.get("accent")
    if accent is None:
        return ""
    colour = str(accent).strip()
    if not _HEX.fullmatch(colour):
        problems.append(
            Problem(shown, data.line_of("accent"), f"accent 应该是十六进制颜色，例如 {DEFAULT_ACCENT}（要加引号：accent: \"{DEFAULT_ACCENT}\"）")
        )
        return ""
    colour = _long_hex(colour)
    ratio, where = min((contrast(colour, bg), where) for bg, where in (*BACKGROUNDS, (tint(colour), TINT_LABEL)))
    if ratio < AA_NORMAL_TEXT:
        problems.append(
            Problem(
                shown,
                data.line_of("accent"),
                f"accent 颜色 {colour} 在{where}的对比度只有 {ratio:.1f}:1，低于无障碍标准 WCAG AA 要求的 {AA_NORMAL_TEXT}:1，"
                f"骑手在户外会看不清；请换一个更深的颜色（主题默认 {DEFAULT_ACCENT}，对比度 {contrast(DEFAULT_ACCENT, '#ffffff'):.1f}:1）",
            )
        )
    return colour


def _long_hex(colour: str) -> str:
    digits = colour[1:].lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def tint(colour: str) -> str:
    """The accent's pale background: 12 % of it on white (the default brown's is #fff3d6)."""
    return "#" + "".join(f"{255 - (255 - int(colour[i : i + 2], 16)) * 12 // 100:02x}" for i in (1, 3, 5))


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio of two "#rrggbb" colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
