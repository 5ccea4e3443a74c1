"""Moved pages keep working: `aliases:` make a `_redirects` rule (Netlify,
Cloudflare Pages) and a refresh page (hosts that only serve files), neither
listed anywhere; and a URL the last build published that this one does not
make is reported, naming it and the alias that would keep it."""

from __future__ import annotations

import re
import shutil

import pytest
from test_bad_input import assert_one_problem

from pagecheck import Page

ARTICLE = "---\ntitle: {}\ndate: 2024-08-19\n{}---\n\n正文。\n"


def article(front: str = "", title: str = "新的文章") -> str:
    return ARTICLE.format(title, front)


def test_aliases_make_a_redirect_rule_and_a_refresh_page(make_site, build):
    site = make_site({"news/a.md": article("slug: xin\naliases: [/news/jiu/, /2019/old.html]\n")})
    result = build(site)
    assert result.code == 0, result.err
    rules = site.read("_redirects").splitlines()
    assert rules == ["/hub/news/jiu/ /hub/news/xin/ 301", "/hub/2019/old.html /hub/news/xin/ 301"]
    for rel in ("news/jiu/index.html", "2019/old.html"):
        html = site.read(rel)
        assert '<meta http-equiv="refresh" content="0; url=/hub/news/xin/">' in html
        assert re.search(r'<link rel="canonical" href="https?://[^"]+/hub/news/xin/">', html)
        assert '<meta name="robots" content="noindex">' in html
        assert Page(html).hrefs() == ["/hub/news/xin/"]
        assert "data-pagefind-body" not in html  # so the search index leaves it out
    for listed in ("sitemap.xml", "feed.xml"):
        assert "/news/jiu/" not in site.read(listed) and "old.html" not in site.read(listed)


def test_a_guide_and_a_page_take_aliases_too(make_site, build):
    site = make_site(
        {
            "guides/g.md": "---\ntitle: 指南\ntopic: 补助申请\naliases: /guides/old-guide/\n---\n\n正文。\n",
            "pages/p.md": "---\ntitle: 关于\naliases: [/guanyu/]\n---\n\n正文。\n",
        }
    )
    assert build(site).code == 0
    assert site.read("_redirects").splitlines() == ["/hub/guides/old-guide/ /hub/guides/g/ 301", "/hub/guanyu/ /hub/p/ 301"]


@pytest.mark.parametrize("alias", ["https://example.org/news/jiu/", "news/jiu/", "//evil.example/x/", "/news/../../x/", "/a b/", "/x%2f/"])
def test_an_alias_that_is_not_a_site_path_is_an_error_with_its_line(make_site, build, alias):
    # "//host/x/" would otherwise be written as /host/x/index.html, outside the output folder.
    site = make_site({"news/a.md": article(f"aliases: ['{alias}']\n")})
    assert_one_problem(build(site), "content/news/a.md", 4, f"aliases 里的 {alias!r} 不是本站的旧网址")


def test_an_alias_onto_another_page_is_an_error(make_site, build):
    site = make_site({"news/a.md": article("aliases: [/news/b/]\n"), "news/b.md": article()})
    result = build(site)
    assert result.code == 1
    assert "输出文件 news/b/index.html 会被生成两次" in result.err


def test_a_url_that_disappears_is_reported_with_the_alias_to_add(make_site, build):
    site = make_site({"news/old-name.md": article()})
    assert build(site).code == 0
    (site.content / "news/old-name.md").rename(site.content / "news/new-name.md")
    result = build(site)
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "这次没有了" in line]
    assert len(warnings) == 1, result.err
    assert warnings[0].startswith("site/news/old-name/index.html: ")
    assert "上次生成的网址 /hub/news/old-name/ 这次没有了" in warnings[0]
    assert "aliases: [/news/old-name/]" in warnings[0]

    # With the alias, the old URL is still made: nothing to report.
    (site.content / "news/new-name.md").write_text(article("aliases: [/news/old-name/]\n"), encoding="utf-8")
    result = build(site)
    assert result.code == 0 and "这次没有了" not in result.err, result.err


def test_check_warns_of_a_url_that_would_disappear_as_build_does(make_site, build, cli):
    """`fengchao check` before a build: the editor hears it before publishing, and --strict does not block it."""
    site = make_site({"news/old-name.md": article()})
    assert build(site).code == 0
    (site.content / "news/old-name.md").rename(site.content / "news/new-name.md")
    for extra in ((), ("--strict",)):
        result = cli("--root", site.root, "check", *extra)
        assert result.code == 0, result.err
        (line,) = [line for line in (result.out + result.err).splitlines() if "这次没有了" in line]
        assert line.startswith("site/news/old-name/index.html: 警告：上次生成的网址 /hub/news/old-name/ 这次没有了"), line
        assert "aliases: [/news/old-name/]" in line
    assert (site.out / "news/old-name/index.html").is_file(), "check writes nothing"


def test_the_warning_comes_from_the_cache_without_the_old_output(make_site, build):
    """A CI job restores the build cache into a fresh checkout: no site/ folder."""
    # Eleven articles: ten a list page (site.yaml's per_page), so news/page/2/ goes too.
    site = make_site({"news/old-name.md": article(), **{f"news/other-{n}.md": article(title=f"另一篇 {n}") for n in range(10)}})
    assert build(site).code == 0
    shutil.rmtree(site.out)
    (site.content / "news/old-name.md").unlink()
    # --strict, as CI deploys: a page deleted on purpose must not block every later deploy.
    result = build(site, "--strict")
    assert result.code == 0, result.err
    assert "上次生成的网址 /hub/news/old-name/ 这次没有了" in result.err
    # A list page that shrank is not a page anyone shared.
    assert not (site.out / "news/page/2").exists()
    assert "news/page/" not in result.err
