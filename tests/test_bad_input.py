"""Bad input: every mistake an editor can make is reported as `path:line: message`.

Each test builds a good site first, then breaks it and builds again, and
checks four things: exit status 1, the exact file (relative to the project),
the exact line in the file (line 1 is the opening `---`), and the key words of
the Chinese message. The previous output must be left exactly as it was.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, MINIMAL_STATION

# `content/news/a.md:4: message` — the summary line ("失败：…") does not match.
PROBLEM_LINE = re.compile(r"^(\S+):(\d+): (.+)$")


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if PROBLEM_LINE.match(line)]


def assert_no_crash(err: str) -> None:
    assert "Traceback" not in err, err
    assert "内部错误" not in err, err


def assert_one_problem(result, path: str, line: int, *words: str) -> str:
    """Exit 1 and exactly one problem, at `path:line:`, containing every word."""
    assert_no_crash(result.err)
    assert result.code == 1, result.err
    lines = problem_lines(result.err)
    assert len(lines) == 1, lines
    shown = lines[0]
    assert shown.startswith(f"{path}:{line}: "), shown
    for word in words:
        assert word in shown, (word, shown)
    assert "失败：1 个错误" in result.err, result.err
    return shown


def tree(root) -> dict[str, str]:
    """Every file under root (including dot-files) with its hash."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


GOOD = {
    "news/2024/good.md": MINIMAL_ARTICLE,
    "guides/good.md": MINIMAL_GUIDE,
    "stations/good.yaml": MINIMAL_STATION,  # id test-1, item on line 1
}


@pytest.fixture
def good_site(make_site, build):
    """A site that built once; returns (site, snapshot of its output)."""
    site = make_site(GOOD)
    result = build(site)
    assert result.code == 0, result.err
    before = site.snapshot()
    assert "index.html" in before and "news/good/index.html" in before
    assert "stations/test-1/index.html" in before
    return site, before


@pytest.fixture
def rebuild(good_site, build):
    """rebuild({rel: text}) breaks the good site, builds it again and checks
    that the failed build left the previous output exactly as it was."""
    site, before = good_site

    def run(files: dict[str, str | bytes], *extra: str):
        for rel, text in files.items():
            site.write(rel, text)
        result = build(site, *extra)
        assert site.snapshot() == before, "a failed build changed site/"
        return result

    return run


# A second station, distinct from test-1; `- id:` is line 1 of this text.
STATION_2 = """\
- id: new-2
  name: 测试站点二
  district: 龙凤区
  address: 测试路2号
  location: {lat: 46.55, lng: 125.10}
  amenities: [seating]
"""


# 1. Missing required fields --------------------------------------------------
#
# A field that is not there has no line of its own. For Markdown the report
# points at the opening `---` (line 1) where the front matter starts — not at
# whichever key happens to come first. For stations it is the item's `- ` line.


@pytest.mark.parametrize(
    "rel, text, line, field",
    [
        ("news/a.md", "---\ndate: 2024-08-19\ntags: [a]\n---\n\n正文。\n", 1, "title"),
        ("news/a.md", "---\n# 注释\ntitle: 测试\ntags: [a]\n---\n\n正文。\n", 1, "date"),
        ("guides/g.md", "---\ntitle: 测试指南\norder: 2\n---\n\n正文。\n", 1, "topic"),
        (
            "stations/more.yaml",
            STATION_2 + "# 第二个站点缺地址\n- id: new-3\n  name: 三\n  district: 萨尔图区\n"
            "  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n",
            8,
            "address",
        ),
    ],
    ids=["news-title", "news-date", "guide-topic", "station-address"],
)
def test_missing_required_field(rebuild, rel, text, line, field):
    result = rebuild({rel: text})
    assert_one_problem(result, f"content/{rel}", line, "缺少必填字段", field)


# 2. Unparseable dates ----------------------------------------------------------


@pytest.mark.parametrize("value", ["2024-13-45", "昨天"], ids=["month-13", "word"])
def test_unparseable_date(rebuild, value):
    text = f"---\ntitle: 测试\nsummary: 摘要\ndate: {value}\n---\n\n正文。\n"
    result = rebuild({"news/a.md": text})
    assert_one_problem(result, "content/news/a.md", 4, "无法识别的日期", repr(value), "2024-08-19")


# 3. YAML syntax errors: the line in the FILE, not in the front-matter block ----


@pytest.mark.parametrize(
    "text, line, words",
    [
        # Unclosed quote on line 4: the line where the quote opens, not the
        # end of the front matter (line 6) where the parser gives up.
        ('---\ntitle: 测试\ndate: 2024-08-19\nsummary: "没有结束的引号\ntags: [a]\ncategory: b\n---\n\n正文。\n', 4, ("YAML 语法错误", "引号")),
        # Bad indentation on line 4.
        ("---\ntitle: 测试\ndate: 2024-08-19\n  summary: 缩进错了\n---\n\n正文。\n", 4, ("YAML 语法错误", "缩进")),
        # Unclosed bracket on line 3.
        ("---\ntitle: 测试\ntags: [a, b\ndate: 2024-08-19\n---\n\n正文。\n", 3, ("YAML 语法错误", "[", "没有结束")),
    ],
    ids=["unclosed-quote", "bad-indent", "unclosed-bracket"],
)
def test_yaml_error_in_front_matter(rebuild, text, line, words):
    result = rebuild({"news/a.md": text})
    assert_one_problem(result, "content/news/a.md", line, *words)


@pytest.mark.parametrize(
    "text, line, words",
    [
        # Unclosed quote on line 9; the file goes on to line 13.
        (
            STATION_2 + '# 注释\n- id: new-3\n  name: "没有结束\n  district: 萨尔图区\n  address: 测试路3号\n'
            "  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n",
            9,
            ("YAML 语法错误", "引号"),
        ),
        # Bad indentation on line 4.
        ("- id: new-3\n  name: 三\n  district: 萨尔图区\n   address: 测试路3号\n", 4, ("YAML 语法错误", "缩进")),
        # Unclosed brace on line 11; the parser notices on line 12.
        (
            STATION_2 + "- id: new-3\n  name: 三\n  district: 萨尔图区\n  address: 测试路3号\n"
            "  location: {lat: 46.6, lng: 125.0\n  amenities: [seating]\n",
            11,
            ("YAML 语法错误", "{", "没有结束"),
        ),
    ],
    ids=["unclosed-quote", "bad-indent", "unclosed-brace"],
)
def test_yaml_error_in_station_file(rebuild, text, line, words):
    result = rebuild({"stations/more.yaml": text})
    assert_one_problem(result, "content/stations/more.yaml", line, *words)


# 4. Duplicate slug ----------------------------------------------------------------


def test_duplicate_slug_names_second_file_and_first(rebuild):
    first = "---\ntitle: 第一篇\ndate: 2024-08-19\nslug: same\n---\n\n正文。\n"
    second = "---\ntitle: 第二篇\ndate: 2024-08-20\nsummary: 摘要\nslug: same\n---\n\n正文。\n"
    result = rebuild({"news/a.md": first, "news/b.md": second})
    assert_one_problem(result, "content/news/b.md", 5, "'same'", "重复", "content/news/a.md:4")


# 5. Duplicate station id across files ----------------------------------------------


def test_duplicate_station_id_across_files(rebuild):
    # test-1 is already in content/stations/good.yaml (line 1). Here its `id:`
    # is on line 9, the second key of the second item (which starts on line 8).
    text = (
        STATION_2 + "# 重复\n- name: 重复站点\n  id: test-1\n  district: 萨尔图区\n  address: 测试路9号\n"
        "  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n"
    )
    result = rebuild({"stations/more.yaml": text})
    assert_one_problem(result, "content/stations/more.yaml", 9, "'test-1'", "重复", "content/stations/good.yaml:1")


# 6. Unknown district, amenity, topic: the line of that key, naming the value -------


def test_unknown_district(rebuild):
    text = STATION_2.replace("district: 龙凤区", "district: 火星区")
    result = rebuild({"stations/more.yaml": text})
    assert_one_problem(result, "content/stations/more.yaml", 3, "未知区县", "'火星区'")


def test_unknown_amenity(rebuild):
    text = STATION_2.replace("amenities: [seating]", "amenities:\n    - seating\n    - jacuzzi")
    result = rebuild({"stations/more.yaml": text})
    assert_one_problem(result, "content/stations/more.yaml", 6, "未知设施", "'jacuzzi'")


def test_unknown_guide_topic(rebuild):
    text = "---\ntitle: 测试指南\norder: 1\ntopic: 火星探险\n---\n\n正文。\n"
    result = rebuild({"guides/g.md": text})
    assert_one_problem(result, "content/guides/g.md", 4, "未知主题", "'火星探险'", "补助申请")


# 7. Slugs and ids that would escape the output folder ------------------------------


@pytest.mark.parametrize(
    "rel, text, line, value",
    [
        ("news/a.md", "---\ntitle: 测试\ndate: 2024-08-19\nslug: ../../etc\n---\n\n正文。\n", 4, "../../etc"),
        ("news/a.md", "---\ntitle: 测试\ndate: 2024-08-19\nslug: a/b\n---\n\n正文。\n", 4, "a/b"),
        ("guides/g.md", "---\ntitle: 测试\ntopic: 补助申请\nsummary: 摘要\nslug: ../up\n---\n\n正文。\n", 5, "../up"),
        (
            "stations/more.yaml",
            STATION_2 + "- name: 坏站点\n  id: ../x\n  district: 萨尔图区\n  address: 测试路\n"
            "  location: {lat: 46.6, lng: 125.0}\n  amenities: [seating]\n",
            8,
            "../x",
        ),
    ],
    ids=["slug-dotdot", "slug-slash", "guide-slug-dotdot", "station-id-dotdot"],
)
def test_slug_or_id_with_path_parts_is_rejected(good_site, rebuild, tmp_path, rel, text, line, value):
    site, _ = good_site
    site.write(rel, text)
    files_before = tree(tmp_path)
    result = rebuild({})
    assert_one_problem(result, f"content/{rel}", line, repr(value), "不能用作网址")
    assert tree(tmp_path) == files_before, "the failed build wrote files"
    assert not (tmp_path / "etc").exists() and not (site.root / "etc").exists()
    assert not (site.root / "x").exists() and not (site.root / "up").exists()


# 8. Encodings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line",
    [
        ("---\ntitle: 标题\ndate: 2024-08-19\n---\n\n正文。\n", 2),
        ("---\ntitle: ascii only\ndate: 2024-08-19\n---\n\n第一段中文。\n", 6),
    ],
    ids=["title-line-2", "body-line-6"],
)
def test_gbk_file_is_named_not_misdecoded(rebuild, text, line):
    result = rebuild({"news/a.md": text.encode("gbk")})
    assert_one_problem(result, "content/news/a.md", line, "不是 UTF-8", "GBK/GB18030", "UTF-8 重新保存")


def test_gbk_station_file(rebuild):
    result = rebuild({"stations/more.yaml": STATION_2.encode("gbk")})
    assert_one_problem(result, "content/stations/more.yaml", 2, "不是 UTF-8", "GBK/GB18030", "UTF-8 重新保存")


def test_bom_and_crlf_build_fine(make_site, build):
    bom = b"\xef\xbb\xbf"
    article = "---\r\ntitle: 带BOM的标题\r\ndate: 2024-08-19\r\n---\r\n\r\n第一段正文。\r\n\r\n第二段正文。\r\n"
    station = STATION_2.replace("\n", "\r\n")
    site = make_site({"news/bom.md": bom + article.encode("utf-8"), "stations/bom.yaml": bom + station.encode("utf-8")})
    result = build(site)
    assert result.code == 0, result.err
    page = site.read("news/bom/index.html")
    assert "带BOM的标题" in page and "第二段正文。" in page
    assert "\ufeff" not in page and "\r" not in page
    assert "测试站点二" in site.read("stations/new-2/index.html")


def test_bom_and_crlf_keep_line_numbers(rebuild):
    text = "\ufeff---\r\ntitle: 测试\r\nsummary: 摘要\r\ndate: 昨天\r\n---\r\n\r\n正文。\r\n"
    result = rebuild({"news/a.md": text.encode("utf-8")})
    assert_one_problem(result, "content/news/a.md", 4, "无法识别的日期", "'昨天'")


# 9. Front-matter fences --------------------------------------------------------------


def test_missing_closing_fence(rebuild):
    text = "---\ntitle: 测试\ndate: 2024-08-19\n\n正文。\n"
    result = rebuild({"news/a.md": text})
    assert_one_problem(result, "content/news/a.md", 1, "前置信息没有结束", "是否忘了写结尾的 ---")


def test_no_front_matter_at_all(rebuild):
    result = rebuild({"news/a.md": "# 标题\n\n正文。\n"})
    assert_one_problem(result, "content/news/a.md", 1, "缺少前置信息", "第一行应为 ---")


# 10. Several broken files at once: all listed, sorted by path then line --------------


def test_all_problems_listed_in_one_run_sorted(rebuild):
    stations = (
        STATION_2.replace("龙凤区", "火星区") + "\n\n\n# 第二项\n" + STATION_2.replace("new-2", "new-3").replace("[seating]", "[seating, jacuzzi]")
    )
    result = rebuild(
        {
            "stations/more.yaml": stations,  # line 3 district, line 16 amenity
            "pages/about.md": "没有前置信息\n",
            "news/b.md": "---\ntitle: 测试\ndate: 2024-13-45\n---\n\n正文。\n",
            "guides/g.md": "---\ntitle: 测试\ntopic: 火星探险\n---\n\n正文。\n",
            "news/a.md": "---\ntitle: 标题\ndate: 2024-08-19\n---\n".encode("gbk"),
        }
    )
    assert_no_crash(result.err)
    assert result.code == 1
    lines = problem_lines(result.err)
    prefixes = [re.match(r"^(\S+:\d+): ", line).group(1) for line in lines]
    assert prefixes == [
        "content/guides/g.md:3",
        "content/news/a.md:2",
        "content/news/b.md:3",
        "content/pages/about.md:1",
        "content/stations/more.yaml:3",
        "content/stations/more.yaml:16",
    ]
    assert "火星探险" in lines[0] and "GBK" in lines[1] and "2024-13-45" in lines[2]
    assert "前置信息" in lines[3] and "火星区" in lines[4] and "jacuzzi" in lines[5]
    assert "失败：6 个错误" in result.err


# 11. A guide naming a station that does not exist -------------------------------------


def test_guide_names_unknown_station(rebuild):
    text = "---\ntitle: 测试指南\ntopic: 补助申请\nsummary: 摘要\nstations:\n  - test-1\n  - nope\n---\n\n正文。\n"
    result = rebuild({"guides/g.md": text})
    assert_one_problem(result, "content/guides/g.md", 5, "'nope'", "不存在")


# 12. Latitude and longitude swapped -----------------------------------------------------


@pytest.mark.parametrize("lat, lng", [(125.1, 46.6), (87.6, 43.8)], ids=["lat-over-90", "both-in-china-range"])
def test_lat_lng_swapped(rebuild, lat, lng):
    text = STATION_2.replace("location: {lat: 46.55, lng: 125.10}", f"hours: 全天开放\n  location:\n    lat: {lat}\n    lng: {lng}")
    result = rebuild({"stations/more.yaml": text})
    assert_one_problem(result, "content/stations/more.yaml", 6, "填反", "交换 lat 和 lng")


# 13. A Markdown link to a content file that does not exist ------------------------------


def test_link_to_missing_content_file(rebuild):
    text = "---\ntitle: 测试\ndate: 2024-08-19\n---\n\n第一段。\n\n第二段。\n\n详见[办理指南](../guides/nope.md)。\n"
    result = rebuild({"news/a.md": text})
    assert_one_problem(result, "content/news/a.md", 10, "'../guides/nope.md'", "content/guides/nope.md", "不存在")


# 14. `fengchao check` on a broken site ---------------------------------------------------


def test_check_reports_same_problems_and_writes_nothing(make_site, cli, build, tmp_path):
    site = make_site(
        {
            **GOOD,
            "news/b.md": "---\ntitle: 测试\nsummary: 摘要\ndate: 昨天\n---\n\n正文。\n",
            "guides/g.md": "---\ntitle: 测试\ntopic: 火星探险\n---\n\n正文。\n",
        }
    )
    files_before = tree(tmp_path)
    checked = cli("--root", site.root, "check")
    assert_no_crash(checked.err)
    assert checked.code == 1
    expected = ["content/guides/g.md:3: ", "content/news/b.md:4: "]
    lines = problem_lines(checked.err)
    assert [line[: len(p)] for line, p in zip(lines, expected)] == expected and len(lines) == 2
    assert "未知主题 '火星探险'" in lines[0] and "无法识别的日期 '昨天'" in lines[1]
    assert not site.out.exists()
    assert tree(tmp_path) == files_before, "check wrote files"
    built = build(site)
    assert built.code == 1 and problem_lines(built.err) == lines
    assert not site.out.exists()


def test_check_reports_broken_markdown_link(make_site, cli):
    site = make_site({**GOOD, "news/a.md": "---\ntitle: 测试\ndate: 2024-08-19\n---\n\n见[这里](../guides/nope.md)。\n"})
    checked = cli("--root", site.root, "check")
    assert checked.code == 1, checked.err
    assert problem_lines(checked.err)[0].startswith("content/news/a.md:6: ")


# 15. Wrong usage ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, word",
    [(("build", "--bogus"), "--bogus"), (("check", "--jobs", "2"), "--jobs"), (("build", "--jobs", "many"), "many"), (("frobnicate",), "frobnicate")],
    ids=["unknown-option", "option-of-other-command", "bad-int", "unknown-command"],
)
def test_wrong_usage_exits_2(good_site, cli, args, word):
    site, before = good_site
    result = cli("--root", site.root, *args)
    assert_no_crash(result.err)
    assert result.code == 2, result.err
    assert word in result.err
    assert site.snapshot() == before


# 16. Output folder safety ----------------------------------------------------------------------


def test_out_non_empty_unmarked_folder_is_refused(good_site, build, tmp_path):
    site, before = good_site
    precious = tmp_path / "precious"
    (precious / "sub").mkdir(parents=True)
    (precious / "notes.txt").write_text("编辑的文件", encoding="utf-8")
    (precious / "sub" / "photo.jpg").write_bytes(b"\xff\xd8jpeg")
    folder_before = tree(precious)
    result = build(site, "--out", str(precious))
    assert_no_crash(result.err)
    assert result.code == 2, result.err
    assert ".fengchao-output" in result.err and "拒绝" in result.err
    assert tree(precious) == folder_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious", "project"]  # no .precious.tmp-*
    assert site.snapshot() == before


@pytest.mark.parametrize("where", ["content", "project", "inside-content"])
def test_out_is_content_or_project_folder(good_site, build, tmp_path, where):
    site, before = good_site
    out = {"content": site.content, "project": site.root, "inside-content": site.content / "news"}[where]
    project_before = tree(tmp_path)
    result = build(site, "--out", str(out))
    assert_no_crash(result.err)
    assert result.code == 2, result.err
    assert "拒绝" in result.err
    assert tree(tmp_path) == project_before
    assert site.snapshot() == before


def test_field_written_twice_is_an_error(good_site, rebuild):
    result = rebuild({"news/a.md": "---\ntitle: 第一\ndate: 2024-08-19\ntitle: 第二\n---\n\n正文\n"})
    assert "content/news/a.md:4: 字段 'title' 写了两次（第 2 行已有），请删掉一个" in result.err
    assert result.code == 1


def test_misspelled_front_matter_field_is_a_warning(make_site, build):
    site = make_site({"news/a.md": "---\ntitle: 测试\ndate: 2024-08-19\nauther: 徐卫\n---\n\n正文\n"})
    result = build(site)
    assert result.code == 0
    assert "content/news/a.md:4: 警告：未知字段 'auther'，将被忽略，是否想写 author？" in result.err
    strict = build(site, "--strict")
    assert strict.code == 1
    assert "content/news/a.md:4:" in strict.err


def test_hours_with_colon_stay_text(make_site, build):
    site = make_site({"stations/s.yaml": MINIMAL_STATION + "  hours: 9:00\n"})
    assert build(site).code == 0
    assert "9:00" in site.read("stations/test-1/index.html")
    assert ">540<" not in site.read("stations/test-1/index.html")


def test_markdown_in_a_guide_subfolder_is_not_published_raw(make_site, build):
    site = make_site({"guides/g.md": MINIMAL_GUIDE, "guides/old/x.md": MINIMAL_GUIDE, "images/a.png.bak": b"x"})
    result = build(site)
    assert result.code == 0
    assert "content/guides/old/x.md: 警告：这个 Markdown 文件不会发布" in result.err
    assert not (site.out / "guides/old/x.md").exists()
    assert not (site.out / "images/a.png.bak").exists()
