"""Moved pages keep working: `aliases:` in front matter become redirects, and
a URL the last build published that this one does not is reported.

Two forms of each redirect, because hosts differ: `_redirects` (Netlify and
Cloudflare Pages answer with a real 301, which search engines follow) and a
small page at the old path with `<meta http-equiv="refresh">` and a canonical
link, for hosts that only serve files (GitHub Pages, a plain nginx). The
pages are not jobs: they are left out of the sitemap, the feeds and the
search index (they have no `data-pagefind-body`), and carry `noindex`.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable
from urllib.parse import quote

from fengchao.content.identity import Strings
from fengchao.problems import Problem
from fengchao.site.jobs import Ctx, RawFile, SiteModel
from fengchao.site.urls import file_of

REDIRECTS_FILE = "_redirects"


def redirect_page(title: str, target: str, canonical: str, language: str, text: Strings) -> bytes:
    """The page at an old address: the browser moves on at once; the link is for anything that does not."""
    e = lambda text: html.escape(text, quote=True)  # noqa: E731
    return (
        "<!doctype html>\n"
        f'<html lang="{e(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(text.fill('redirect_title', title=title))}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{e(canonical)}">\n'
        f'<meta http-equiv="refresh" content="0; url={e(target)}">\n'
        "</head>\n<body>\n"
        f'<p>{e(text.redirect_lead)}<a href="{e(target)}">{e(title)}</a></p>\n'
        "</body>\n</html>\n"
    ).encode()


def redirect_files(ctx: Ctx, docs: Iterable[tuple[object, str, str]], problems: list[Problem]) -> tuple[RawFile, ...]:
    """`docs`: (record with .aliases and .where, its path "news/x/", its title).
    The redirect pages and `_redirects`; an alias onto the page itself is an error."""
    urls = ctx.urls
    files: list[RawFile] = []
    rules: list[str] = []
    for record, rel, title in docs:
        for alias in record.aliases:
            if alias in (rel, file_of(rel)):
                problems.append(Problem(record.where.path, record.where.line, f"aliases 里的 /{alias} 就是本页现在的网址，请删掉"))
                continue
            target = urls.page(rel)
            files.append(RawFile(file_of(alias), redirect_page(title, target, urls.absolute(rel), ctx.config.language, ctx.site.text)))
            rules.append(f"{quote(urls.page(alias))} {quote(target)} 301")
    if rules:
        files.append(RawFile(REDIRECTS_FILE, ("\n".join(rules) + "\n").encode()))
    return tuple(files)


def _is_published_page(rel: str) -> bool:
    """A page a reader may have bookmarked or shared: not a list's page 2…, not the 404 page."""
    if not rel.endswith(".html") or rel == "404.html":
        return False
    parts = rel.split("/")
    return not (len(parts) >= 3 and parts[-3] == "page" and parts[-2].isdigit())


def vanished(previous: Iterable[str], model: SiteModel, base_path: str, out_shown: str) -> list[Problem]:
    """A warning for each page the previous build wrote (its output file
    list, kept by the build cache) that this build does not make."""
    now = {item.path for group in (model.jobs, model.raw, model.copies) for item in group}
    problems = []
    for rel in sorted(set(previous) - now):
        if not _is_published_page(rel):
            continue
        path = rel.removesuffix("index.html")
        problems.append(
            Problem(
                posixpath.join(out_shown, rel),
                0,
                f"上次生成的网址 {base_path}{path} 这次没有了，别人收藏或转发的旧链接会打不开。"
                f"如果页面改名或移动了，请在新文件的前置信息里加上 aliases: [/{path}]，旧网址会自动跳转；确实删除的可以不管",
                "warning",
            )
        )
    return problems
