"""The web editor's configuration, generated from the content contract
(fengchao/site/admin.py): what the forms offer is what fengchao accepts.

The browser test (tests/browser/test_cms.py) drives the real CMS; these
check the generated text itself, quickly, and that anything saved through
its forms passes validation."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import MINIMAL_STATION, REPO
from fengchao.content.cms_settings import CmsSettings
from fengchao.content.config import load_config
from fengchao.content.stations import FIELDS as STATION_FIELDS
from fengchao.content.validate import KNOWN_FIELDS, RESERVED_NEWS_SLUGS
from fengchao.site.admin import EditorInputs, admin_csp, config_text, editor_config
from fengchao.site.assemble import RESERVED
from fengchao.site.headers import csp
from fengchao.text import SLUG_RE

CONFIG, _ = load_config(REPO / "site.yaml", REPO)
CMS = CmsSettings(
    "gitlab", "daqing/fengchao-hub", api_root="https://jihulab.com/api/v4", base_url="https://jihulab.com", app_id="abc", auth_type="pkce"
)
INPUTS = EditorInputs((("gaoxin-shunfeng", "庆小驿·高新区顺丰快递网点温暖服务站"),), ("健康服务", "基层治理"), tuple(sorted(RESERVED)))
CMS_SITE = """
cms:
  backend: github
  repo: daqing/fengchao-hub
"""


def collection(name: str) -> dict:
    return next(c for c in editor_config(CONFIG, CMS, INPUTS)["collections"] if c["name"] == name)


def fields(name: str) -> dict[str, dict]:
    return {f["name"]: f for f in collection(name)["fields"]}


def test_config_is_deterministic_sorted_yaml():
    text = config_text(CONFIG, CMS, INPUTS)
    assert text == config_text(CONFIG, CMS, INPUTS)
    data = yaml.safe_load(text)
    assert list(data) == sorted(data)
    assert data["locale"] == "zh_Hans" and data["publish_mode"] == "editorial_workflow"
    assert data["backend"] == {
        **data["backend"],
        "name": "gitlab",
        "repo": "daqing/fengchao-hub",
        "api_root": "https://jihulab.com/api/v4",
        "auth_type": "pkce",
        "app_id": "abc",
    }


def test_every_field_the_forms_save_is_one_fengchao_reads():
    for name, kind in (("news", "news"), ("guides", "guide"), ("pages", "page")):
        saved = set(fields(name)) - {"body"}
        assert saved <= set(KNOWN_FIELDS[kind]), (name, saved - set(KNOWN_FIELDS[kind]))
    assert set(fields("stations")) <= set(STATION_FIELDS)


def test_select_lists_come_from_site_yaml_and_the_records_with_chinese_labels():
    station = fields("stations")
    assert [o["value"] for o in station["district"]["options"]] == list(CONFIG.districts)
    amenities = {o["value"]: o["label"] for o in station["amenities"]["options"]}
    assert amenities == dict(CONFIG.amenities) and amenities["drinking_water"] == "饮用水"
    assert station["amenities"]["multiple"] is True
    topics = fields("guides")["topic"]["options"]
    assert topics[0] == {"label": "补助申请：子女助学等帮扶项目怎么申请", "value": "补助申请"}
    assert fields("guides")["stations"]["options"] == [
        {"label": "庆小驿·高新区顺丰快递网点温暖服务站（gaoxin-shunfeng）", "value": "gaoxin-shunfeng"}
    ]
    assert [o["value"] for o in fields("news")["category"]["options"]] == ["健康服务", "基层治理"]


def test_slug_patterns_accept_exactly_what_fengchao_accepts():
    samples = ["a", "kuai-di", "2024-news", "archive", "page", "news", "admin", "about", "-x", "A", "a_b", "中文", "a b", ""]
    for name, reserved in (("news", RESERVED_NEWS_SLUGS), ("pages", RESERVED), ("guides", set())):
        pattern = re.compile(fields(name)["slug"]["pattern"][0])
        for slug in samples:
            expected = bool(SLUG_RE.match(slug)) and slug not in reserved
            assert bool(pattern.match(slug)) == expected, (name, slug)
    station_id = re.compile(fields("stations")["id"]["pattern"][0])
    assert station_id.match("ranghulu-wanda") and not station_id.match("Ranghulu")


def test_coordinates_are_limited_to_the_city_and_never_0_0():
    lat, lng = fields("stations")["location"]["fields"]
    bounds = CONFIG.finder.bounds
    assert lat["min"] < bounds.south < bounds.north < lat["max"] and lng["min"] < bounds.west < bounds.east < lng["max"]
    assert lat["max"] - bounds.north < 0.05  # a margin for GCJ-02 / BD-09, not a different city
    assert not lat["min"] <= 0 <= lat["max"]
    assert lat["value_type"] == lng["value_type"] == "float"


def test_dates_are_written_as_fengchao_reads_them():
    from datetime import datetime

    from fengchao.content.validate import parse_moment

    assert fields("news")["date"]["format"] == "YYYY-MM-DD HH:mm"
    assert parse_moment("2026-12-03 08:45", CONFIG.tz) == datetime(2026, 12, 3, 8, 45, tzinfo=CONFIG.tz)
    assert fields("stations")["opened"]["format"] == "YYYY-MM-DD"
    assert fields("guides")["updated"]["format"] == "YYYY-MM-DD"


def test_uploads_go_where_the_image_pipeline_reads():
    data = editor_config(CONFIG, CMS, INPUTS)
    assert data["media_folder"] == "content/images" and data["public_folder"] == "/images"
    # The news collection keeps a folder per year: its uploads must not follow the entry.
    assert collection("news")["media_folder"] == "/content/images" and collection("news")["public_folder"] == "/images"


def test_admin_policy_is_the_editors_own(tmp_path):
    policy = admin_csp(CMS)
    assert "connect-src 'self' blob: http://127.0.0.1:8081 http://localhost:8081 https://jihulab.com;" in policy
    assert "'unsafe-eval'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-eval'" not in csp() and "unsafe-inline" not in csp()
    github = admin_csp(CmsSettings("github", "a/b"))
    assert "https://api.github.com" in github


def test_site_without_cms_publishes_no_editor(make_site, build):
    site = make_site({"stations/a.yaml": MINIMAL_STATION})
    assert build(site).code == 0
    assert not (site.out / "admin").exists()
    assert "Disallow" not in site.read("robots.txt")


def headers_rules(text: str) -> dict[str, list[str]]:
    rules: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("/"):
            current = line.strip()
            rules[current] = []
        elif line.startswith("  ") and current:
            rules[current].append(line.strip())
    return rules


def test_site_with_cms_publishes_the_editor_outside_robots_sitemap_feed_and_search(make_site, build):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + CMS_SITE
    site = make_site(
        {"stations/a.yaml": MINIMAL_STATION, "news/a.md": "---\ntitle: 测试新闻\ndate: 2024-08-19\ncategory: 关爱行动\n---\n\n正文。\n"},
        config=config,
        editor=True,
    )
    result = build(site)
    assert result.code == 0, result.err
    admin = site.out / "admin"
    assert (admin / "decap-cms.js").stat().st_size > 1_000_000 and (admin / "decap-cms.js").read_bytes() == (
        REPO / "fengchao/theme/assets/vendor/decap-cms/decap-cms.js"
    ).read_bytes()  # published as vendored, not minified
    config_yml = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config_yml["backend"]["repo"] == "daqing/fengchao-hub"
    news = next(c for c in config_yml["collections"] if c["name"] == "news")
    assert [o["value"] for o in next(f for f in news["fields"] if f["name"] == "category")["options"]] == ["关爱行动"]
    script = (admin / "fengchao-admin.js").read_text(encoding="utf-8")
    css = re.search(r'registerPreviewStyle\("([^"]+)"\)', script).group(1)
    assert re.fullmatch(r"/hub/assets/site\.[0-9a-f]{8}\.css", css) and (site.out / css.removeprefix("/hub/")).is_file()
    assert "Disallow: /hub/admin/" in site.read("robots.txt")
    assert "admin" not in site.read("sitemap.xml") and "admin" not in site.read("feed.xml")
    assert not list((site.out / "assets").rglob("*decap*"))
    pagefind = site.out / "pagefind"
    assert pagefind.is_dir() and all("admin" not in p.read_text(encoding="utf-8", errors="ignore") for p in pagefind.rglob("*.json"))
    rules = headers_rules(site.read("_headers"))
    assert "Content-Security-Policy" not in " ".join(rules["/*"])  # it would meet the editor's
    for path in ("/", "/news/*", "/stations/*", "/assets/*", "/pagefind/*", "/index.html", "/404.html"):
        assert rules[path] == [f"Content-Security-Policy: {csp(_amap())}"], path
    assert rules["/admin/*"][0] == f"Content-Security-Policy: {admin_csp(CmsSettings('github', 'daqing/fengchao-hub'))}"
    assert not any(p.startswith("/admin") for p in rules if p != "/admin/*")
    top = {p.name for p in site.out.iterdir() if not p.name.startswith((".", "_"))} - {"admin"}
    covered = {r.strip("/").removesuffix("/*") for r in rules if r not in ("/*", "/admin/*")}
    assert top <= covered, top - covered  # every published path keeps the site's policy


def _amap():
    from fengchao.site.headers import tile_hosts

    return tile_hosts("https://webrd0{s}.is.autonavi.com/appmaptile", "1234")


def test_cms_settings_problems_name_the_line(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "\ncms:\n  backend: gitee\n  repo: 仓库\n  brnach: main\n"
    site = make_site({"stations/a.yaml": MINIMAL_STATION}, config=config)
    line = len((REPO / "site.yaml").read_text(encoding="utf-8").splitlines()) + 3
    result = cli("--root", site.root, "check")
    assert result.code == 1
    assert f"site.yaml:{line}: cms.backend 应为 github、gitlab、gitea、forgejo 之一" in result.err, result.err
    assert f"site.yaml:{line + 1}: cms.repo 应为仓库路径，例如 daqing-union/fengchao-hub" in result.err
    assert f"site.yaml:{line + 2}: 警告：cms 中的未知键 'brnach'，将被忽略，是否想写 branch？" in result.err


def test_gitea_needs_its_api_root(make_site, cli):
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "\ncms:\n  backend: gitea\n  repo: hub/site\n"
    site = make_site({"stations/a.yaml": MINIMAL_STATION}, config=config)
    line = len((REPO / "site.yaml").read_text(encoding="utf-8").splitlines()) + 3
    result = cli("--root", site.root, "check")
    assert f"site.yaml:{line}: cms.backend 为 gitea 时需要 api_root" in result.err, result.err


def test_one_station_per_file_as_the_editor_saves_it(make_site, build):
    one = "id: web-1\nname: 网页站点\ndistrict: 龙凤区\naddress: 测试路2号\nlocation: {lat: 46.55, lng: 125.1}\namenities: [seating]\nsample: false\n"
    site = make_site({"stations/a.yaml": MINIMAL_STATION, "stations/web-1.yaml": one})
    result = build(site)
    assert result.code == 0, result.err
    assert "网页站点" in site.read("stations/web-1/index.html")


def test_vendored_bundle_is_the_pinned_version():
    import json

    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["optionalDependencies"]["decap-cms"]
    vendored = json.loads((REPO / "fengchao/theme/assets/vendor/decap-cms/package.json").read_text(encoding="utf-8"))["version"]
    assert vendored == pinned
    assert Path(REPO / "fengchao/theme/assets/vendor/decap-cms/decap-cms.js").read_text(encoding="utf-8").count("zh_Hans") >= 1
