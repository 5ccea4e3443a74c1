"""From one site to a generator: `fengchao init`, the packaged theme and a
project's overrides of it, and the site identity keys of site.yaml (menu,
footer links, logo, accent colour, interface strings)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, THEME
from fengchao import theme
from fengchao.cli import _parser, main
from fengchao.content.identity import contrast, tint


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def hub(tmp_path, capsys) -> Path:
    """A new hub made by `fengchao init`, nothing else in it."""
    root = tmp_path / "新站"
    code, out, err = run(capsys, "init", str(root))
    assert code == 0, err
    assert "已新建资讯站" in out
    return root


def build(capsys, root: Path, *extra: str) -> tuple[int, str]:
    code, out, err = run(capsys, "--root", str(root), "build", "--no-search", "--jobs", "1", *extra)
    return code, out + err


def read(root: Path, rel: str) -> str:
    return (root / "site" / rel).read_text(encoding="utf-8")


def set_yaml(root: Path, old: str, new: str) -> None:
    path = root / "site.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, needle: str) -> int:
    lines = (root / "site.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


# fengchao init ----------------------------------------------------------------


def test_init_makes_a_hub_that_builds_and_checks_at_once(hub, capsys):
    for rel in ("site.yaml", "README.md", "content/news/welcome.md", "content/guides/station-guide.md", "content/stations/stations.yaml"):
        assert (hub / rel).is_file(), rel
    assert (hub / "content" / "images").is_dir()
    assert not (hub / "templates").exists(), "the theme comes with the package, not copied"
    assert "# 网站名称" in (hub / "site.yaml").read_text(encoding="utf-8")  # commented in Chinese for editors
    assert "fengchao serve" in (hub / "README.md").read_text(encoding="utf-8")
    code, printed = build(capsys, hub)
    assert code == 0, printed
    home = read(hub, "index.html")
    assert "新就业群体关爱资讯站" in home and "资讯站上线了" in home
    assert (hub / "site" / "stations" / "chengdong-1" / "index.html").is_file()
    assert (hub / "site" / "guides" / "station-guide" / "index.html").is_file()
    code, out, err = run(capsys, "--root", str(hub), "check", "--strict")
    assert code == 0, out + err
    assert "0 个警告" in out


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "已有"
    folder.mkdir()
    (folder / "notes.txt").write_text("不要动我", encoding="utf-8")
    code, out, err = run(capsys, "init", str(folder))
    assert code == 2
    assert "不是空文件夹" in err and str(folder) in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "不要动我"


# The theme and a project's overrides -----------------------------------------------


def test_a_project_template_and_asset_replace_the_themes_file_by_file(hub, capsys):
    (hub / "templates" / "partials").mkdir(parents=True)
    footer = (THEME / "templates" / "partials" / "footer.html").read_text(encoding="utf-8")
    (hub / "templates" / "partials" / "footer.html").write_text(footer.replace("</footer>", "<p>本地页脚</p></footer>"), encoding="utf-8")
    (hub / "assets").mkdir()
    (hub / "assets" / "site.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    code, printed = build(capsys, hub, "--no-cache")
    assert code == 0, printed
    home = read(hub, "index.html")
    assert "<p>本地页脚</p>" in home
    assert 'class="site-header"' in home, "the templates the project does not override come from the theme"
    [css] = re.findall(r'href="/(assets/site\.[0-9a-f]{8}\.css)"', home)
    assert "#123456" in read(hub, css) and "#123456" in read(hub, "assets/site.css")
    assert (hub / "site" / "assets" / "elder.css").is_file(), "the assets the project does not override come from the theme"


def test_editing_the_theme_invalidates_the_build_cache(hub, capsys, tmp_path, monkeypatch):
    copy = tmp_path / "theme"
    shutil.copytree(THEME / "templates", copy / "templates")
    shutil.copytree(THEME / "assets", copy / "assets")
    monkeypatch.setattr(theme, "TEMPLATES", copy / "templates")
    monkeypatch.setattr(theme, "ASSETS", copy / "assets")
    assert build(capsys, hub)[0] == 0
    footer = copy / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>", "<p>主题改过了</p></footer>"), encoding="utf-8")
    (copy / "assets" / "elder.css").write_text("body { color: #654321; }\n", encoding="utf-8")
    code, printed = build(capsys, hub)
    assert code == 0, printed
    assert "<p>主题改过了</p>" in read(hub, "index.html")
    assert "#654321" in read(hub, "assets/elder.css")


# Site identity ----------------------------------------------------------------------


def test_menu_order_labels_and_the_current_item_come_from_site_yaml(hub, capsys):
    set_yaml(
        hub,
        "menu:\n  - {label: 首页, url: /}\n  - {label: 新闻, url: news/}\n  - {label: 找驿站, url: stations/}\n  - {label: 办事指南, url: guides/}\n",
        "menu:\n  - {label: 动态, url: news/}\n  - {label: 驿站, url: /stations/}\n  - {label: 总工会, url: 'https://example.com/union'}\n  - {label: 关于, url: about/}\n",
    )
    (hub / "content" / "pages").mkdir()
    (hub / "content" / "pages" / "about.md").write_text("---\ntitle: 关于本站\n---\n\n本站由资讯站编辑部维护。\n", encoding="utf-8")
    assert build(capsys, hub)[0] == 0
    nav = re.search(r'<nav class="site-nav".*?</nav>', read(hub, "news/welcome/index.html"), re.S)[0]
    assert re.findall(r">([^<>]+)</a>", nav) == ["动态", "驿站", "总工会", "关于"]
    assert '<a href="/news/" aria-current="page">动态</a>' in nav, "an article marks its section's item"
    assert '<a href="https://example.com/union">总工会</a>' in nav
    station_nav = re.search(r'<nav class="site-nav".*?</nav>', read(hub, "stations/index.html"), re.S)[0]
    assert '<a href="/stations/" aria-current="page">驿站</a>' in station_nav and station_nav.count("aria-current") == 1
    assert "首页" not in nav
    about_nav = re.search(r'<nav class="site-nav".*?</nav>', read(hub, "about/index.html"), re.S)[0]
    assert '<a href="/about/" aria-current="page">关于</a>' in about_nav, "a free-standing page marks the item linking to it"


def test_footer_links_and_logo(hub, capsys):
    (hub / "assets").mkdir()
    (hub / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>\n', encoding="utf-8")
    set_yaml(
        hub,
        "# logo: logo.svg",
        "logo: logo.svg\nfooter_links:\n  - {label: 联系我们, url: 'mailto:editor@example.org'}\n  - {label: 站点数据, url: stations/stations.geojson}",
    )
    assert build(capsys, hub)[0] == 0
    home = read(hub, "index.html")
    assert '<img class="brand-mark" src="/assets/logo.' in home
    footer = re.search(r"<footer.*?</footer>", home, re.S)[0]
    assert re.findall(r">([^<>]+)</a>", footer) == ["联系我们", "站点数据"]
    assert 'href="/stations/stations.geojson"' in footer


def test_a_missing_logo_is_an_error_with_its_line(hub, capsys):
    set_yaml(hub, "# logo: logo.svg", "logo: 标志.png")
    code, printed = build(capsys, hub)
    assert code == 1
    assert f"site.yaml:{line_of(hub, 'logo: 标志.png')}: 找不到 logo 文件 assets/标志.png" in printed


def test_strings_override_single_interface_words(hub, capsys):
    set_yaml(hub, "  station_brand: 暖心驿站\n", "  station_brand: 小蜜蜂驿站\n  home_news: 近期动态\n")
    assert build(capsys, hub)[0] == 0
    home = read(hub, "index.html")
    assert "找附近的小蜜蜂驿站" in home, "a string that names another ({station_brand}) follows it"
    assert ">近期动态</h2>" in home and "最新消息" not in home
    main = re.search(r"<main.*?</main>", read(hub, "404.html"), re.S)[0]
    assert "附近的小蜜蜂驿站温暖服务站" in main and "暖心驿站" not in main
    assert "“小蜜蜂驿站”温暖服务站可以" in read(hub, "stations/index.html")


def test_an_unknown_string_is_a_warning_with_its_line(hub, capsys):
    set_yaml(hub, "  station_brand: 暖心驿站\n", "  station_brand: 暖心驿站\n  statoin_name: 驿站\n")
    code, printed = build(capsys, hub)
    assert code == 0
    assert f"site.yaml:{line_of(hub, 'statoin_name')}: 警告：strings 里没有 statoin_name 这一条界面文字" in printed


def test_a_pale_accent_colour_fails_the_build_with_its_line(hub, capsys):
    set_yaml(hub, '# accent: "#1f5f8b"', 'accent: "#f5b400"')
    code, printed = build(capsys, hub)
    assert code == 1
    line = line_of(hub, "accent:")
    assert re.search(rf"site\.yaml:{line}: accent 颜色 #f5b400 在.+的对比度只有 1\.\d:1，低于无障碍标准 WCAG AA 要求的 4\.5:1", printed), printed
    assert not (hub / "site").exists(), "nothing written"


def test_a_readable_accent_colour_is_used(hub, capsys):
    set_yaml(hub, '# accent: "#1f5f8b"', 'accent: "#1f5f8b"')
    assert build(capsys, hub)[0] == 0
    home = read(hub, "index.html")
    assert '<link rel="stylesheet" href="/assets/accent-1f5f8b.css">' in home
    assert '<meta name="theme-color" content="#1f5f8b">' in home
    css = read(hub, "assets/accent-1f5f8b.css")
    assert "--accent: #1f5f8b; --accent-bg: #e5ecf2;" in css and ".chart rect { fill: #1f5f8b; }" in css


def test_contrast_ratio_matches_wcag():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # WebAIM's figure for the lightest AA grey
    assert min(contrast("#7a4f00", bg) for bg in ("#ffffff", "#fffdf8", "#fff3d6", tint("#7a4f00"))) > 4.5  # the theme's own accent passes
    assert tint("#1f5f8b") == "#e5ecf2"
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#767676", "#ffffff")  # the usual AA boundary grey


# docs/start-a-hub.md, as a newcomer follows it ---------------------------------------


DOC = REPO / "docs" / "start-a-hub.md"


def test_the_start_a_hub_guide_shows_what_fengchao_prints(hub, capsys):
    """The accent error quoted in the guide is, word for word and line for
    line, what the starter's site.yaml gives with that colour."""
    doc = DOC.read_text(encoding="utf-8")
    [quoted] = re.findall(r"^\s*(site\.yaml:\d+: accent .+)$", doc, re.M)
    colour = re.search(r"#[0-9a-f]{6}", quoted)[0]
    set_yaml(hub, '# accent: "#1f5f8b"', f'accent: "{colour}"')
    code, printed = build(capsys, hub)
    assert code == 1
    assert quoted.strip() in printed.splitlines()


def test_the_start_a_hub_guide_commands_and_workflow_are_valid(tmp_path):
    doc = DOC.read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(fengchao (?:init|serve|check|build)[^\n#`]*)", doc, re.M) + re.findall(r"`(fengchao [^`]+)`", doc)
    assert len(commands) >= 10, commands
    for command in commands:
        if command.strip() not in ("fengchao init", "fengchao init 目录", "fengchao --version"):
            _parser().parse_args(shlex.split(command)[1:])
    [workflow] = [block for block in re.findall(r"```yaml\n(.*?)```", doc, re.S) if "deploy-pages" in block]
    text = "\n".join(line[3:] for line in workflow.splitlines())  # the block is indented in a list item
    data = yaml.safe_load(text)
    build_lines = [line.strip() for step in data["jobs"]["build"]["steps"] for line in step.get("run", "").splitlines()]
    assert 'fengchao build --strict --base-url "$BASE_URL"' in build_lines
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is in the test extra")
    path = tmp_path / "deploy.yml"
    path.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_interface_string_used_is_in_the_strings_file_and_every_one_there_is_used():
    """A template naming a string the file lacks fails only on the pages that
    reach that line (a guide with a contact phone); this finds it before."""
    shipped = set(yaml.safe_load((THEME / "strings" / "zh-CN.yaml").read_text(encoding="utf-8")))
    sources = [p.read_text(encoding="utf-8") for p in (THEME / "templates").rglob("*") if p.is_file()]
    sources += [p.read_text(encoding="utf-8") for p in (REPO / "fengchao").rglob("*.py")]
    used = set()
    for text in sources:
        # `site.text.x` in templates and page families; a bare `text.x` where a module names the strings `text`.
        owner = r"\btext" if re.search(r"\btext\b.* = .*(site\.text|identity\.strings)\b|\btext: Strings\b", text) else r"\bsite\.text"
        used |= set(re.findall(owner + r"\.(?!fill\b|date\b|distance\b|pick\b|replace\b)(\w+)", text))
        used |= set(re.findall(r"""\.fill\(\s*["'](\w+)["']""", text))
    # Names handed over as data: search_page.TYPES, news.py's wording pairs, the embeds' words["key"].
    python = "\n".join(p.read_text(encoding="utf-8") for room in ("site", "markup") for p in (REPO / "fengchao" / room).glob("*.py"))
    named = set(re.findall(r"""["'](\w+)["']""", python)) & shipped
    # The scripts read theirs as T.x, say("x") or a key chosen by name.
    scripts = "\n".join(p.read_text(encoding="utf-8") for p in (THEME / "assets").glob("*.js"))
    in_js = set(re.findall(r"\bT\.(\w+)", scripts)) | (set(re.findall(r"""["'`](\w+)["'`]""", scripts)) & shipped)
    in_js |= {"distance_m", "distance_km"}  # geo.js: text.distance_m
    used |= named | in_js
    used -= {"items"}
    assert used - shipped == set(), "used but not in zh-CN.yaml"
    assert {k for k in shipped if k.startswith("js_")} <= in_js, "a script's string no script reads"
    # station_brand, city, stations_brand: named inside other strings ({station_brand}).
    values = yaml.safe_load((THEME / "strings" / "zh-CN.yaml").read_text(encoding="utf-8")).values()
    inside = {name for value in values for name in re.findall(r"\{(\w+)\}", str(value))} & shipped
    assert {"station_brand", "city", "stations_brand"} <= inside
    assert shipped - used - inside == set(), "in zh-CN.yaml but used nowhere"
