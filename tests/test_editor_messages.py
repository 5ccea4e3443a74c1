"""Messages an editor gets for the mistakes Chinese editors make (issue 19):
each names the file, the line and what to do, in Chinese."""

from __future__ import annotations

from pathlib import Path

from conftest import MINIMAL_ARTICLE, MINIMAL_STATION, REPO

SITE_YAML = (REPO / "site.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_misspelt_site_yaml_key_is_warned_with_the_likely_key(make_site, cli):
    config = SITE_YAML.replace("\ndescription:", "\ndescripton:").replace("  per_page: 10", "  per_pge: 10")
    site = make_site({"stations/s.yaml": MINIMAL_STATION, "news/a.md": MINIMAL_ARTICLE}, config=config)
    result = cli("--root", site.root, "check")
    assert result.code == 0, result.err  # a warning: the site still builds
    top = line_of(config, "descripton:")
    assert f"site.yaml:{top}: 警告：site.yaml 顶层没有 'descripton' 这一项，这个设置不会生效。是否想写 description？" in result.err
    news = line_of(config, "per_pge:")
    assert f"site.yaml:{news}: 警告：news 下没有 'per_pge' 这一项，这个设置不会生效。是否想写 per_page？" in result.err
    strict = cli("--root", site.root, "check", "--strict")
    assert strict.code == 1


def test_coordinates_left_at_0_0_are_an_error_that_says_so(make_site, cli):
    station = MINIMAL_STATION.replace("{lat: 46.60, lng: 125.02}", "{lat: 0, lng: 0}")
    site = make_site({"stations/new.yaml": station})
    result = cli("--root", site.root, "check")
    assert result.code == 1
    assert "content/stations/new.yaml:5: 坐标还是 0, 0，说明位置还没有填：请在高德或腾讯地图上找到站点，把纬度填进 lat、经度填进 lng" in result.err
    assert "WGS-84" not in result.err and "bounds" not in result.err  # no jargon on top


def test_amenity_choices_are_listed_in_chinese(make_site, cli):
    site = make_site({"stations/a.yaml": MINIMAL_STATION.replace("[seating, drinking_water]", "[seating, 热水, 饮用水]")})
    result = cli("--root", site.root, "check")
    assert result.code == 1
    assert "content/stations/a.yaml:6: 未知设施 '热水'。可选：休息座椅（seating）、饮用水（drinking_water）、微波炉（microwave）" in result.err
    # A Chinese name the list has: the key to write instead.
    assert "content/stations/a.yaml:6: 未知设施 '饮用水'，是否想写 drinking_water（饮用水）？" in result.err


def test_new_station_takes_its_district_from_the_name(make_site, cli):
    import yaml

    site = make_site({"stations/a.yaml": MINIMAL_STATION})
    result = cli("--root", site.root, "new", "station", "让胡路区万达广场温暖服务站")
    assert result.code == 0, result.err
    made = Path(result.out.strip())
    assert yaml.safe_load(made.read_text(encoding="utf-8"))[0]["district"] == "让胡路区"
    result = cli("--root", site.root, "new", "station", "肇源温暖服务站")
    assert yaml.safe_load(Path(result.out.strip()).read_text(encoding="utf-8"))[0]["district"] == "肇源县"
    # No district in the name: left empty, and check says what to fill in, not a wrong guess.
    result = cli("--root", site.root, "new", "station", "万达广场温暖服务站")
    made = Path(result.out.strip())
    assert yaml.safe_load(made.read_text(encoding="utf-8"))[0]["district"] == ""
    check = cli("--root", site.root, "check")
    rel = made.relative_to(site.root).as_posix()
    district_line = line_of(made.read_text(encoding="utf-8"), "district:")
    assert f"{rel}:{district_line}: 站点缺少必填字段 district" in check.err, check.err


def test_gbk_csv_from_chinese_excel_is_imported(make_site, cli, tmp_path):
    site = make_site({"stations/a.yaml": MINIMAL_STATION})
    sheet = tmp_path / "驿站表.csv"
    rows = (
        "编号,名称,区县,地址,纬度,经度,设施\nimp-1,导入一站,龙凤区,卧里屯路5号,46.57,125.13,饮用水\nimp-2,导入二站,红岗区,红岗路1号,46.4,124.9,热水\n"
    )
    sheet.write_bytes(rows.encode("gbk"))  # Chinese Excel's plain "CSV"
    result = cli("--root", site.root, "stations", "import", sheet)
    assert result.code == 1  # read, not refused: the one bad cell is named, in Chinese
    assert f"{sheet}:3:G: 未知设施 '热水'。可选：休息座椅（seating）、饮用水（drinking_water）" in result.err, result.err
    sheet.write_bytes(rows.replace("热水", "充电").encode("gbk"))
    result = cli("--root", site.root, "stations", "import", sheet)
    assert result.code == 0, result.err
    out = site.content / "stations" / "yi-zhan-biao.yaml"  # a pinyin file name, not 驿站表.yaml
    assert "导入一站" in out.read_text(encoding="utf-8") and "drinking_water" in out.read_text(encoding="utf-8")


def test_full_width_comma_in_a_list_is_warned(make_site, cli):
    article = MINIMAL_ARTICLE.replace("tags: [快递小哥]", "tags: [庆小驿，外卖骑手]")
    site = make_site({"stations/a.yaml": MINIMAL_STATION, "news/a.md": article})
    result = cli("--root", site.root, "check")
    assert result.code == 0  # a warning: the page is still published
    line = line_of(article, "tags:")
    assert (
        f"content/news/a.md:{line}: 警告：tags 中的 '庆小驿，外卖骑手' 用了中文的“，”，会被当成一项。列表的各项要用英文逗号分开：[庆小驿, 外卖骑手]"
        in result.err
    ), result.err


def test_full_width_comma_in_amenities_is_named(make_site, cli):
    site = make_site({"stations/a.yaml": MINIMAL_STATION.replace("[seating, drinking_water]", "[seating，drinking_water]")})
    result = cli("--root", site.root, "check")
    assert result.code == 1
    assert (
        "content/stations/a.yaml:6: amenities 中的 'seating，drinking_water' 用了中文的“，”，会被当成一项。列表的各项要用英文逗号分开：[seating, drinking_water]"
        in result.err
    )


def test_full_width_colon_is_named_on_its_own_line(make_site, cli):
    first = "---\ntitle：冬天骑手有地方取暖了\ndate: 2024-08-19\n---\n\n正文。\n"
    middle = "---\ntitle: 测试\ndate：2024-08-19\ncategory: 关爱行动\n---\n\n正文。\n"
    station = MINIMAL_STATION.replace("  district: 萨尔图区", "  district：萨尔图区")
    site = make_site({"news/first.md": first, "news/middle.md": middle, "stations/a.yaml": station})
    result = cli("--root", site.root, "check")
    assert result.code == 1
    advice = "后面的冒号是中文的“：”。字段名后面要用英文冒号再加一个空格，例如"
    assert f"content/news/first.md:2: YAML 语法错误：title {advice} title: …" in result.err, result.err
    assert f"content/news/middle.md:3: YAML 语法错误：date {advice} date: …" in result.err
    assert f"content/stations/a.yaml:3: YAML 语法错误：district {advice} district: …" in result.err
    assert "这里不能出现冒号" not in result.err and "缺少冒号" not in result.err


def test_same_story_twice_is_warned_with_the_other_file(make_site, cli):
    first = "---\ntitle: 庆小驿里过暖冬\ndate: 2024-12-05\nsource_url: https://example.org/a/1.html\n---\n\n正文。\n"
    again = "---\ntitle: 庆小驿里过暖冬\ndate: 2024-12-06\n---\n\n又贴了一次。\n"
    by_url = "---\ntitle: 驿站过暖冬\ndate: 2024-12-05\nsource_url: https://example.org/a/1.html\n---\n\n正文。\n"
    site = make_site({"stations/a.yaml": MINIMAL_STATION, "news/a.md": first, "news/b.md": again, "news/c.md": by_url})
    result = cli("--root", site.root, "check")
    assert (
        "content/news/b.md:2: 警告：与 content/news/a.md:2 疑似同一篇报道（标题相同（庆小驿里过暖冬））：是否重复导入？重复的话删掉其中一篇"
        in result.err
    )
    assert "content/news/c.md:4: 警告：与 content/news/a.md:4 疑似同一篇报道（原文网址 source_url 相同）" in result.err


def test_import_of_a_story_already_on_the_site_says_which_file(make_site, cli):
    from conftest import FIXTURES

    site = make_site({"stations/a.yaml": MINIMAL_STATION, "news/2024/nuan-dong.md": "---\ntitle: 庆小驿里过暖冬\ndate: 2024-12-05\n---\n\n正文。\n"})
    result = cli("--root", site.root, "import", FIXTURES / "scraped-article.txt")
    assert result.code == 0
    made = "content/news/2024/qing-xiao-yi-li-guo-nuan-dong.md"
    assert f"{made}:2: 警告：与 content/news/2024/nuan-dong.md:2 疑似同一篇报道（标题相同（庆小驿里过暖冬））" in result.err, result.err


def test_command_line_help_and_usage_errors_are_chinese(cli):
    wrong = cli("buld")
    assert wrong.code == 2
    assert wrong.err.splitlines() == [
        "用法：fengchao [-h] [--version] [--root ROOT] [--debug] COMMAND ...",
        "fengchao: 错误：没有 'buld' 这个命令，是否想写 build？可选：build、check、serve、stations、new、init、import（fengchao --help 查看用法）",
    ]
    assert "fengchao new: 错误：缺少参数：kind, title" in cli("new").err
    assert "fengchao build: 错误：--jobs：应为正整数：'x'" in cli("build", "--jobs", "x").err
    assert "fengchao: 错误：无法识别的参数：--bogus" in cli("build", "--bogus").err
    try:
        cli("--help")
    except SystemExit as done:  # argparse exits after printing help
        assert done.code == 0
    import contextlib
    import io

    from fengchao.cli import _parser

    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        _parser().print_help()
    assert text.getvalue().startswith("用法：fengchao")
    assert "选项：" in text.getvalue() and "显示这段帮助并退出" in text.getvalue()
    assert "show this help" not in text.getvalue() and "usage:" not in text.getvalue()


def test_preview_speaks_chinese_explains_search_and_names_a_busy_port(make_site, tmp_path):
    import json
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from conftest import free_port

    def get(url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

    site = make_site({"stations/a.yaml": MINIMAL_STATION, "news/a.md": MINIMAL_ARTICLE})
    port = free_port(range(8900, 8950))
    base = f"http://127.0.0.1:{port}/"
    env = dict(os.environ, FENGCHAO_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(REPO))
    command = [sys.executable, "-m", "fengchao", "--root", str(site.root), "serve", "--port", str(port)]
    first = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(base + "_fengchao/status.json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        generation = json.loads(get(base + "_fengchao/status.json")[1])["generation"]
        status, page = get(base + "search/")
        assert status == 200 and "预览里不能搜索：搜索索引只在生成网站时制作。" in page
        assert get(base + "pagefind/pagefind.js")[0] == 404
        (site.content / "news" / "a.md").write_text(MINIMAL_ARTICLE.replace("正文第一段", "改过的正文"), encoding="utf-8")
        while time.monotonic() < deadline and json.loads(get(base + "_fengchao/status.json")[1])["generation"] == generation:
            time.sleep(0.1)
        # The same port again: the error, and no address printed before it.
        second = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        said = second.stdout + second.stderr
        assert f"fengchao: 无法在 127.0.0.1:{port} 上启动预览" in said and "端口可能被占用" in said, said
        assert "预览地址" not in said
    finally:
        first.terminate()
        out = first.communicate(timeout=10)[0]
    assert f"预览地址：{base}（按 Ctrl+C 停止）" in out
    for chatter in ("Serving on", "waiters", "GET /", "404", "Browser Connected", "Start watching"):
        assert chatter not in out, (chatter, out)


def test_every_problem_of_a_file_at_once(make_site, cli):
    """A bad date used to hide a bad image path until the date was fixed."""
    article = (
        "---\ntitle: 测试\ndate: 2024年8月20日\nimage: ../images/none.jpg\nimage_alt: 图\n---\n\n"
        "正文，见[指南](../guides/none.md)。\n\n```\n[代码里的例子](../x.md)\n```\n"
    )
    site = make_site({"stations/a.yaml": MINIMAL_STATION, "news/a.md": article})
    result = cli("--root", site.root, "check")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if line.startswith("content/")]
    assert lines == [
        "content/news/a.md:3: 无法识别的日期 '2024年8月20日'：请写成 2024-08-19、2024-08-19 08:30 或带时区的 ISO 8601 格式",
        "content/news/a.md:4: 封面图片：链接或图片 '../images/none.jpg' 指向的文件 content/images/none.jpg 不存在",
        "content/news/a.md:8: 链接 '../guides/none.md' 指向的文件 content/guides/none.md 不存在（或是草稿、尚未发布）",
    ], result.err
    # Fixed date: the same two link problems, at the same lines, from the normal path.
    site.write("news/a.md", article.replace("2024年8月20日", "2024-08-20"))
    again = [line for line in cli("--root", site.root, "check").err.splitlines() if line.startswith("content/")]
    assert again == lines[1:]
