"""Data that turns into code elsewhere: every exit escapes for its reader.

CSV cells a spreadsheet would evaluate, HTML/SVG files under content/, URL
fields other than links, bidi and control characters, and terminal output.
Each test builds a small project and asserts what an editor or reader sees.
"""

from __future__ import annotations

import csv
import io

import imagefiles
import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, MINIMAL_STATION

GOOD = {"news/2024/good.md": MINIMAL_ARTICLE, "guides/good.md": MINIMAL_GUIDE, "stations/good.yaml": MINIMAL_STATION}

STATION = """\
- id: evil-1
  name: "{name}"
  district: 萨尔图区
  address: "{address}"
  location: {{lat: 46.61, lng: 125.03}}
  amenities: [seating]
  phone: "{phone}"
"""


def no_crash(result) -> None:
    assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
    assert result.code in (0, 1), result.err


# --- CSV: neutralised on export, flagged on import --------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "=HYPERLINK(\\\"http://x.example\\\",\\\"点我\\\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\\t=1+1",
        "＝1+1",
    ],
)
def test_csv_export_neutralises_formula_cells(make_site, build, cell):
    site = make_site({**GOOD, "stations/evil.yaml": STATION.format(name=cell, address=cell, phone="+86 459 1234567")})
    result = build(site)
    assert result.code == 0, result.err
    rows = list(csv.reader(io.StringIO(site.read("stations/stations.csv").lstrip("\ufeff"))))
    evil = next(r for r in rows if r[0] == "evil-1")
    for value in (evil[1], evil[3]):
        # OWASP: a leading apostrophe makes Excel and WPS show the text, not evaluate it.
        assert value.startswith("'"), value
        assert value[1:].lstrip("\t\r") != "" and value[1] in "=+-@\t\r＝", value
    # A phone number in international form stays as written (a number, not a formula).
    assert evil[8] == "+86 459 1234567"


def test_csv_export_leaves_ordinary_cells_alone(make_site, build):
    site = make_site(GOOD)
    assert build(site).code == 0
    rows = list(csv.reader(io.StringIO(site.read("stations/stations.csv").lstrip("\ufeff"))))
    assert rows[1][:4] == ["test-1", "测试站点一", "萨尔图区", "测试路1号"]


IMPORT_HEAD = "编号,名称,区县,地址,纬度,经度,设施,电话\n"


@pytest.mark.parametrize(
    "cell, column",
    [
        ('"=HYPERLINK(""http://x.example"",""点我"")"', "B"),
        ("@SUM(A1)", "B"),
        ("+cmd|' /C calc'!A0", "D"),
        ("-2+3+cmd|' /C calc'!A0", "D"),
    ],
)
def test_station_import_flags_formula_cells(make_site, cli, tmp_path, cell, column):
    site = make_site()
    name, address = (cell, "测试路1号") if column == "B" else ("测试站", cell)
    sheet = tmp_path / "s.csv"
    sheet.write_text(IMPORT_HEAD + f"imp-1,{name},萨尔图区,{address},46.61,125.02,seating,+86 459 1234567\n", encoding="utf-8")
    result = cli("--root", site.root, "stations", "import", sheet)
    assert result.code == 1, result.err
    shown = [line for line in result.err.splitlines() if line.startswith(f"{sheet}:2:{column}: ")]
    assert len(shown) == 1 and "公式" in shown[0], result.err
    assert not (site.content / "stations" / "s.yaml").exists()


def test_station_import_accepts_phone_numbers_and_dashes(make_site, cli, tmp_path):
    site = make_site()
    sheet = tmp_path / "s.csv"
    sheet.write_text(IMPORT_HEAD + "imp-1,测试站,萨尔图区,中央大街 - 东门,46.61,125.02,seating,+86 459 1234567\n", encoding="utf-8")
    result = cli("--root", site.root, "stations", "import", sheet)
    assert result.code == 0, result.err


# --- HTML and SVG under content/ are refused --------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


@pytest.mark.parametrize(
    "rel", ["pages/evil.html", "news/2024/x.HTM", "stations/map.svgz", "news/2024/feed.xhtml", "news/2024/style.xsl", "news/2024/x.xml", "a.shtml"]
)
def test_active_static_files_are_refused_with_their_path(make_site, build, rel):
    site = make_site({**GOOD, rel: SVG})
    result = build(site)
    no_crash(result)
    assert result.code == 1, result.err
    shown = [line for line in result.err.splitlines() if line.startswith(f"content/{rel}: ")]
    assert len(shown) == 1 and "不会发布" in shown[0] and "脚本" in shown[0], result.err
    assert not site.out.exists()


@pytest.mark.parametrize(
    "svg, line, what",
    [
        ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>', 2, "<script>"),
        ('<svg xmlns="http://www.w3.org/2000/svg">\n<rect/>\n<rect onclick="alert(1)"/></svg>', 3, "onclick="),
        ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', 1, "<foreignObject>"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
            2,
            "href=",
        ),
        ('<svg xmlns="http://www.w3.org/2000/svg"><a href="x"><set attributeName="href" to="javascript:alert(1)"/></a></svg>', 1, "href="),
        ('<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="href" values="javascript:alert(1)"/></svg>', 1, "<animate>"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n<svg xmlns="http://www.w3.org/2000/svg"/>', 1, "<!DOCTYPE>"),
        ('<?xml-stylesheet href="evil.xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>', 1, "<?xml-stylesheet?>"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/a.css";</style></svg>', 1, "外部"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><rect', 1, "不是有效的 XML"),
    ],
)
def test_an_svg_with_anything_active_is_refused_at_its_line(make_site, build, svg, line, what):
    site = make_site({**GOOD, "news/2024/logo.svg": svg})
    result = build(site)
    no_crash(result)
    shown = [entry for entry in result.err.splitlines() if entry.startswith("content/news/2024/logo.svg")]
    assert result.code == 1 and len(shown) == 1, result.err
    assert shown[0].startswith(f"content/news/2024/logo.svg:{line}: 这个 SVG 不会发布") and what in shown[0], shown


def test_an_inert_svg_is_published(make_site, build):
    svg = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48">'
        '<defs><linearGradient id="g"/></defs><rect width="64" height="48" fill="url(#g)"/><use href="#g"/></svg>'
    )
    site = make_site({**GOOD, "news/2024/logo.svg": svg})
    result = build(site)
    assert result.code == 0, result.err
    assert (site.out / "news/2024/logo.svg").read_text(encoding="utf-8") == svg.replace("\\n", "\n")


def test_ordinary_static_files_still_publish(make_site, build):
    # A photo is published only as processed renditions (issue 17); other
    # static files as they are.
    site = make_site({**GOOD, "news/2024/table.pdf": b"%PDF-1.4", "news/2024/data.csv": "编号,名称\n1,测试\n"})
    result = build(site)
    assert result.code == 0, result.err
    assert (site.out / "news/2024/table.pdf").is_file() and (site.out / "news/2024/data.csv").is_file()


# --- every URL-bearing field goes through the one URL rule -------------------

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\\tscript:alert(1)",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox",
    "file:///etc/passwd",
    "//cdn.example.com/a.png",
    "\\\\\\\\evil.example/a.png",
    "../../../outside.png",
    "http://[::1/a.png",
]


@pytest.mark.parametrize("src", HOSTILE_URLS)
def test_station_photo_src_follows_the_url_rule(make_site, build, src):
    station = MINIMAL_STATION + f'  photos:\n    - src: "{src}"\n      alt: 照片\n'
    site = make_site({**GOOD, "stations/good.yaml": station})
    result = build(site)
    no_crash(result)
    assert result.code == 1, result.err
    assert "content/stations/good.yaml:8: 照片 " in result.err, result.err


@pytest.mark.parametrize("src", HOSTILE_URLS)
def test_article_cover_follows_the_url_rule(make_site, build, src):
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", f'category: 关爱行动\nimage: "{src}"\nimage_alt: 图')
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    no_crash(result)
    assert result.code == 1, result.err
    assert "content/news/2024/good.md:6: 封面图片 " in result.err, result.err


@pytest.mark.parametrize("url", ["//evil.example/x", "javascript:alert(1)", "ftp://example.org/a", "https:evil", "/news/a/"])
def test_source_url_must_be_a_full_web_address(make_site, build, url):
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", f'category: 关爱行动\nsource_url: "{url}"')
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    assert result.code == 1, result.err
    assert "content/news/2024/good.md:6: source_url " in result.err and "不是网页地址" in result.err, result.err


def test_good_photo_and_cover_addresses_publish(make_site, build):
    station = MINIMAL_STATION + '  photos:\n    - src: "https://img.example.org/a.jpg"\n      alt: 照片\n'
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", "category: 关爱行动\nimage: photo.png\nimage_alt: 图")
    site = make_site({**GOOD, "stations/good.yaml": station, "news/2024/good.md": article, "news/2024/photo.png": imagefiles.plain_png(64, 48)})
    result = build(site)
    assert result.code == 0, result.err
    assert 'src="https://img.example.org/a.jpg"' in site.read("stations/test-1/index.html")
    assert "/hub/news/2024/photo." in site.read("news/good/index.html")  # its renditions


def test_missing_cover_is_reported_at_its_line(make_site, build):
    article = MINIMAL_ARTICLE.replace("category: 关爱行动", "category: 关爱行动\nimage: nothere.png\nimage_alt: 图")
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    assert result.code == 1, result.err
    assert "content/news/2024/good.md:6: 封面图片：" in result.err and "nothere.png" in result.err, result.err


# --- the terminal and the CI log never get raw control sequences ------------

ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m\u202e"


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_file_names_with_escape_sequences_are_shown_escaped(make_site, build, fmt):
    # A file name that is no slug now gets a pinyin one, so the problem that
    # names the file is a bad date.
    site = make_site({**GOOD, f"news/2024/x{ESCAPES}.md": MINIMAL_ARTICLE.replace("date: 2024-08-19", "date: 2024-13-45")})
    result = build(site, "--format", fmt)
    no_crash(result)
    assert result.code == 1
    both = result.out + result.err
    for ch in "\x1b\x07\x9b\u202e":
        assert ch not in both, repr(both)
    assert "x\\x1b]0;owned\\x07" in both.replace("\\\\", "\\") or "x\\u001b]0;owned\\u0007" in both, both


def test_quoted_source_lines_and_sheet_cells_are_shown_escaped(make_site, cli, tmp_path):
    site = make_site()
    sheet = tmp_path / "s.csv"
    sheet.write_text(IMPORT_HEAD + "imp-1,测试站\x1b[31m,火星区\x9b,路,46.61,125.02,seating,\n", encoding="utf-8")
    result = cli("--root", site.root, "stations", "import", sheet)
    assert result.code == 1
    assert "\x1b" not in result.err and "\x9b" not in result.err and "火星区\\x9b" in result.err, result.err


def test_usage_messages_are_shown_escaped(make_site, cli, tmp_path):
    result = cli("--root", tmp_path / "no\x1b[31mwhere", "build")
    assert result.code == 2
    assert "\x1b" not in result.err and "no\\x1b[31mwhere" in result.err, result.err


# --- characters an editor cannot see, in bodies and fields ------------------


@pytest.mark.parametrize("char, code", [("\u202e", "U+202E"), ("\x1b", "U+001B"), ("\x9b", "U+009B"), ("\x7f", "U+007F"), ("\u2067", "U+2067")])
def test_body_control_and_bidi_characters_are_errors_at_their_line(make_site, build, char, code):
    body = MINIMAL_ARTICLE + "\n第二段。\n\n```\ncode " + char + "here\n```\n"
    site = make_site({**GOOD, "news/2024/good.md": body})
    result = build(site)
    assert result.code == 1, result.err
    lines = [line for line in result.err.splitlines() if line.startswith("content/news/2024/good.md")]
    assert len(lines) == 1 and lines[0].startswith("content/news/2024/good.md:13:6: ") and code in lines[0], result.err
    assert char not in result.err


@pytest.mark.parametrize("char", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_invisible_characters_are_warnings_at_their_line(make_site, build, char):
    article = MINIMAL_ARTICLE.replace("title: 测试新闻", f"title: 测试{char}新闻") + f"\n第二{char}段。\n"
    site = make_site({**GOOD, "news/2024/good.md": article})
    result = build(site)
    assert result.code == 0, result.err
    shown = [line for line in result.err.splitlines() if "看不见的字符" in line]
    assert any(line.startswith("content/news/2024/good.md:2:") for line in shown), result.err
    assert any(line.startswith("content/news/2024/good.md:10:") for line in shown), result.err
    assert build(site, "--strict").code == 1
