"""Messages an editor gets for the mistakes Chinese editors make (issue 19):
each names the file, the line and what to do, in Chinese."""

from __future__ import annotations

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
