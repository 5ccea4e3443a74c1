"""Interface wording lives in one strings file per language
(fengchao/theme/strings/zh-CN.yaml): a program changes a word in its
site.yaml's `strings:` and every page, and the scripts' messages, follow;
no template or script of the theme carries wording of its own."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, THEME
from fengchao.cli import main

# CJK ideographs (unified, extension A, compatibility, the supplementary
# planes): Chinese words. Chinese punctuation is not wording — search.js
# needs 。！？ to find where a sentence ends in an excerpt.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

OVERRIDES = {
    "date_format": "{d}/{m}/{y}",
    "article_length": "全文{chars}字",
    "crumb_home": "主页",
    "news_by_year": "往年消息",
    "station_address": "位置",
    "station_amenities": "这里有",
    "js_finder_locating": "稍等，定位中",
    "distance_m": "{n}米远",
    "js_map_loading": "地图马上来",
    "js_search_searching": "找呀找",
}


@pytest.fixture
def hub(tmp_path, capsys) -> Path:
    """A new hub from `fengchao init` (its own content names no program)."""
    root = tmp_path / "hub"
    assert main(["init", str(root)]) == 0
    capsys.readouterr()
    return root


def build(capsys, root: Path, *extra: str) -> tuple[int, str]:
    code = main(["--root", str(root), "build", "--no-search", "--jobs", "1", *extra])
    out, err = capsys.readouterr()
    return code, out + err


def override(root: Path, lines: str) -> None:
    path = root / "site.yaml"
    text = path.read_text(encoding="utf-8")
    assert "strings:\n" in text
    path.write_text(text.replace("strings:\n", "strings:\n" + lines, 1), encoding="utf-8")


def page(root: Path, rel: str) -> str:
    return (root / "site" / rel).read_text(encoding="utf-8")


def script_text(markup: str, element_id: str) -> dict:
    """The wording a page hands its script: the data-text of the element with that id."""
    tag = re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', markup)[0]
    return json.loads(html.unescape(re.search(r'data-text="([^"]*)"', tag)[1]))


def test_overridden_strings_reach_the_article_station_news_list_and_the_scripts(hub, capsys):
    override(hub, "".join(f'  {key}: "{value}"\n' for key, value in OVERRIDES.items()))
    config = hub / "site.yaml"
    map_tiles = '  map: {tiles: "https://tile.example.org/{z}/{x}/{y}.png", datum: wgs84, attribution: "© 示例"}\n'
    config.write_text(config.read_text(encoding="utf-8").replace("  datum: gcj02\n", "  datum: gcj02\n" + map_tiles, 1), encoding="utf-8")
    code, printed = build(capsys, hub)
    assert code == 0, printed
    article = page(hub, next(p.relative_to(hub / "site").as_posix() for p in (hub / "site" / "news").glob("*/index.html")))
    date = re.search(r'<time datetime="(\d{4})-(\d\d)-(\d\d)[^"]*"[^>]*>([^<]+)</time>', article)
    year, month, day = (int(part) for part in date.groups()[:3])
    assert date[4] == f"{day}/{month}/{year}"
    assert re.search(r"· 全文\d+字</span>", article) and "阅读约" not in article
    assert '<li><a href="/">主页</a></li>' in article, "the breadcrumbs start at the renamed home"

    news = page(hub, "news/index.html")
    assert ">往年消息</a>" in news and "按年份浏览" not in news
    assert f">{day}/{month}/{year}</time>" in news

    station = page(hub, next(p.relative_to(hub / "site").as_posix() for p in (hub / "site" / "stations").glob("*/index.html")))
    assert "<dt>位置</dt>" in station and "<h2>这里有</h2>" in station
    assert "站内设施" not in station

    directory = page(hub, "stations/index.html")
    finder = script_text(directory, "finder")
    assert finder["js_finder_locating"] == "稍等，定位中" and finder["distance_m"] == "{n}米远"
    assert finder["js_finder_timeout"] == "定位超时。请到开阔处再试，或在下面按区县查找。", "a key the override leaves out keeps zh-CN"
    assert script_text(directory, "map-section")["js_map_loading"] == "地图马上来"
    assert script_text(page(hub, "search/index.html"), "search-form")["js_search_searching"] == "找呀找"


def test_a_string_left_out_of_the_override_keeps_the_theme_wording(hub, capsys):
    override(hub, '  station_address: "位置"\n')
    assert build(capsys, hub)[0] == 0
    station = page(hub, next(p.relative_to(hub / "site").as_posix() for p in (hub / "site" / "stations").glob("*/index.html")))
    assert "<dt>位置</dt>" in station and "<h2>站内设施</h2>" in station


def test_an_unknown_string_is_a_warning_with_its_line_and_the_site_still_builds(hub, capsys):
    override(hub, "  station_adress: 位置\n")
    line = next(i for i, text in enumerate((hub / "site.yaml").read_text(encoding="utf-8").splitlines(), 1) if "station_adress" in text)
    code, printed = build(capsys, hub)
    assert code == 0, printed
    message = (
        f"site.yaml:{line}: 警告：strings 里没有 station_adress 这一条界面文字，这一行不起作用（可改的条目见 fengchao/theme/strings/zh-CN.yaml）"
    )
    assert message in printed.splitlines()
    assert message in (REPO / "docs" / "start-a-hub.md").read_text(encoding="utf-8"), "the guide quotes what fengchao prints"
    assert (hub / "site" / "index.html").is_file()
    assert build(capsys, hub, "--strict")[0] == 1, "--strict makes the warning fail the build"


def test_no_program_name_is_built_into_the_theme_or_the_generator(hub, capsys):
    """The starter hub names no program: so no page, feed or script it
    builds may say 庆小驿, 城市小蜜蜂 or 大庆 — those come only from site.yaml."""
    assert build(capsys, hub)[0] == 0
    found = []
    for path in (hub / "site").rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".js", ".json", ".css", ".txt", ".csv", ".geojson", ""}:
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(hub)}: {name}" for name in ("庆小驿", "城市小蜜蜂", "大庆") if name in text]
    assert found == []


def _code_only(text: str, suffix: str) -> str:
    """The text without comments (Jinja {# #}, JS /* */ and // comments):
    comments may quote Chinese examples; what a reader sees may not."""
    if suffix == ".html":
        return re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(^|[\s;,{}()])//.*$", r"\1", text, flags=re.M)


def test_no_theme_template_or_script_holds_chinese_wording():
    """Wording belongs in strings/zh-CN.yaml; a template or script that
    writes its own cannot be changed by a program (or translated)."""
    files = [p for p in (THEME / "templates").rglob("*") if p.is_file()] + sorted((THEME / "assets").glob("*.js"))
    assert len(files) > 20
    found = []
    for path in files:
        code = _code_only(path.read_text(encoding="utf-8"), path.suffix)
        for number, line in enumerate(code.splitlines(), 1):
            if HAN.search(line):
                found.append(f"{path.relative_to(THEME)}:{number}: {line.strip()[:80]}")
    assert found == [], "\n".join(found)


def test_the_wording_check_sees_chinese_in_code_and_not_in_comments():
    assert HAN.search(_code_only('status.textContent = "正在搜索…"; // 搜索', ".js"))
    assert not HAN.search(_code_only('x = 1; // 骑手 is a word\n/* 长辈模式 */ y = "https://a/b";', ".js"))
    assert HAN.search(_code_only("{# 注释 #}<h2>设施</h2>", ".html"))
    assert not HAN.search(_code_only("{# 注释 #}<h2>{{ site.text.amenities }}</h2>", ".html"))


EMBEDS = """---
title: 驿站和提示
slug: embeds
date: 2024-08-19
---

> [!驿站] chengdong-1

> [!提示]
> 带好身份证。
"""


def test_embed_wording_follows_the_strings_also_when_the_body_comes_from_the_build_cache(hub, capsys):
    (hub / "content" / "news" / "embeds.md").write_text(EMBEDS, encoding="utf-8")
    assert build(capsys, hub)[0] == 0
    article = page(hub, "news/embeds/index.html")
    assert ">查看地图、设施和到达方式</a>" in article and '<p class="callout-label" data-pagefind-ignore>提示</p>' in article
    # Same body, new wording: the cached conversion must not be reused as it was.
    override(hub, "  embed_station_more: 怎么去\n  notice_tip: 小贴士\n")
    assert build(capsys, hub)[0] == 0
    article = page(hub, "news/embeds/index.html")
    assert ">怎么去</a>" in article and '<p class="callout-label" data-pagefind-ignore>小贴士</p>' in article
    assert "查看地图、设施和到达方式" not in article
