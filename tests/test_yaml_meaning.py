"""YAML means what the editor typed: text fields stay text (the "Norway
problem"), tagged types are an error at their line, and characters that
cannot be published are reported at their line whether typed or escaped."""

from __future__ import annotations

import pytest

from conftest import MINIMAL_GUIDE, MINIMAL_STATION
from fengchao.content.yaml_lines import parse_yaml

GOOD = {"guides/good.md": MINIMAL_GUIDE, "stations/good.yaml": MINIMAL_STATION}


def article(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: 2024-08-19\n{extra}---\n\n正文。\n"


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("yes", "yes"),
        ("No", "No"),
        ("off", "off"),
        ("010", "010"),
        ("1.10", "1.10"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        (".inf", ".inf"),
        ("1e3", "1e3"),
        ("12:30", "12:30"),
        ("2024-08-19", "2024-08-19"),
    ],
)
def test_text_fields_keep_the_typed_text(make_site, build, typed, shown):
    site = make_site({**GOOD, "news/a.md": article(typed, f"summary: {typed}\ntags: [{typed}, 标签]\ncategory: {typed}\n")})
    result = build(site)
    assert result.code == 0, result.err
    html = site.read("news/a/index.html")
    assert f"<h1>{shown}</h1>" in html or f">{shown}</h1>" in html, html[:2000]
    assert f"<title>{shown}" in html
    for wrong in {"True", "False", "8", "1.1", "31", "1000", "inf", "1000.0"} - {shown}:
        assert f"<h1>{wrong}</h1>" not in html


def test_station_names_and_contacts_keep_the_typed_text(make_site, build):
    station = MINIMAL_STATION.replace("name: 测试站点一", "name: yes").replace("address: 测试路1号", "address: 0100")
    guide = MINIMAL_GUIDE.replace("topic: 补助申请", "topic: 补助申请\ncontacts:\n  - {name: on, phone: 012345}")
    site = make_site({"guides/good.md": guide, "stations/good.yaml": station})
    result = build(site)
    assert result.code == 0, result.err
    html = site.read("stations/test-1/index.html")
    assert ">yes<" in html and "0100" in html and "True" not in html
    guide_html = site.read("guides/good/index.html")
    assert "012345" in guide_html and "5349" not in guide_html


@pytest.mark.parametrize(
    "value, words",
    [
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!!timestamp 2024-08-19", "!!timestamp"),
        ("!!python/object:os.system x", "!!python/object:os.system"),
        ("!foo bar", "!foo"),
        ("!!omap [a: 1]", "!!omap"),
    ],
)
def test_tagged_types_are_an_error_at_their_line(make_site, build, value, words):
    site = make_site({**GOOD, "news/a.md": f"---\ndate: 2024-08-19\nsummary: 摘要\ntitle: {value}\n---\n\n正文\n"})
    result = build(site)
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("content/news/a.md:")]
    assert len(lines) == 1 and lines[0].startswith("content/news/a.md:4: ") and words in lines[0], result.err
    assert "类型标记" in lines[0] and "constructor" not in result.err


@pytest.mark.parametrize(
    "escape, code",
    [
        ("\\x1b[31m", "U+001B"),
        ("\\x00", "U+0000"),
        ("\\e", "U+001B"),
        ("\\u202e", "U+202E"),
        ("x\\x9b", "U+009B"),
        ("\\x85", "U+0085"),
        ("\\ud800", "U+D800"),
        ("\\udfff", "U+DFFF"),
        ("\\r", "U+000D"),
        ("\\u2066", "U+2066"),
    ],
)
def test_escaped_characters_are_reported_at_their_line(make_site, build, escape, code):
    site = make_site({**GOOD, "news/a.md": f'---\ndate: 2024-08-19\nsummary: 摘要\ntitle: "坏{escape}标题"\n---\n\n正文\n'})
    result = build(site)
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("content/news/a.md")]
    assert len(lines) == 1 and lines[0].startswith("content/news/a.md:4: ") and code in lines[0], result.err
    assert "转义" in lines[0] and "\x1b" not in result.err
    assert not site.out.exists()


def test_typed_bidi_override_is_an_error_at_its_line(make_site, build):
    site = make_site(
        {
            **GOOD,
            "stations/evil.yaml": "- id: evil\n  name: 正常\n  district: 萨尔图区\n  address: \"路\u202egnp.exe\"\n"
            "  location: {lat: 46.6, lng: 125.1}\n  amenities: [seating]\n",
        }
    )
    result = build(site)
    assert result.code == 1, result.err
    assert "content/stations/evil.yaml:4: 含有不能发布的字符 U+202E" in result.err, result.err
    assert "\u202e" not in result.err


def test_escapes_in_station_files_and_lists_are_found_too(make_site, build):
    station = MINIMAL_STATION.replace("amenities: [seating, drinking_water]", "amenities: [seating, \"drinking\\x07water\"]")
    site = make_site({**GOOD, "stations/good.yaml": station})
    result = build(site)
    assert result.code == 1
    assert "content/stations/good.yaml:6: 含有不能发布的字符 U+0007" in result.err, result.err


def test_parse_yaml_keeps_the_typed_text_on_both_parsers():
    text = "title: yes\norder: 010\ntags: [no, 1.10]\n"
    fast, problems = parse_yaml(text, "x.md", 2)
    slow, problems_slow = parse_yaml(text + "a: &x 1\nb: *x\n", "x.md", 2)  # an alias takes the pure-Python loader
    assert problems == problems_slow == []
    for value in (fast, slow):
        assert value["title"] is True and value.typed("title") == "yes"
        assert value.typed("order") == "010" and value["order"] == 8
        assert value["tags"].typed() == ["no", "1.10"]
