"""The same corpus as Hugo and Pelican projects, for a like-for-like benchmark.

Reads the content folder `bench.corpus` wrote (fengchao's format) and writes
a Hugo site and a Pelican site with the same articles, stations and guides.
Each gets a minimal theme written here, rendering what fengchao renders: a page
per article, station and guide, a paginated news list (10 a page), tag and
category pages (paginated), a home page, an Atom/RSS feed of 20 entries and a
sitemap. Links between articles become absolute URLs (/news/a-00001/), the
same URLs fengchao publishes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

_FM = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_MD_LINK = re.compile(r"\]\((?:\.\./\d{4}/)?(a-\d{5})\.md\)")


@dataclass(frozen=True)
class Doc:
    slug: str
    meta: dict
    body: str


def read_corpus(content: Path) -> tuple[list[Doc], list[dict], list[Doc]]:
    def docs(folder: Path) -> list[Doc]:
        out = []
        for path in sorted(folder.rglob("*.md")):
            meta_text, body = _FM.match(path.read_text(encoding="utf-8")).groups()
            body = _MD_LINK.sub(r"](/news/\1/)", body)
            out.append(Doc(path.stem, yaml.load(meta_text, Loader=yaml.BaseLoader), body))
        return out

    stations = yaml.safe_load((content / "stations" / "stations.yaml").read_text(encoding="utf-8")) or []
    return docs(content / "news"), stations, docs(content / "guides")


def _station_body(station: dict) -> str:
    items = "\n".join(f"- {a}" for a in station["amenities"])
    loc = station["location"]
    return f"地址：{station['address']}\n\n开放时间：{station['hours']}\n\n## 设施\n\n{items}\n\n坐标：{loc['lat']}, {loc['lng']}\n"


def _yaml_list(values) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _rfc3339(fengchao_date: str) -> str:
    day, _, time = fengchao_date.partition(" ")
    return f"{day}T{time or '00:00'}:00+08:00"


# ---------------------------------------------------------------- Hugo

HUGO_CONFIG = """\
baseURL = "https://example.org/hub/"
languageCode = "zh-CN"
defaultContentLanguage = "zh"
title = "城市小蜜蜂 · 蜂巢"
hasCJKLanguage = true
disableKinds = ["RSS"]
enableRobotsTXT = true
[pagination]
  pagerSize = 10
[taxonomies]
  tag = "tags"
  category = "categories"
[outputs]
  home = ["HTML", "atom"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
[outputFormats.atom]
  mediaType = "application/atom+xml"
  baseName = "feed"
  isPlainText = false
  rel = "alternate"
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}"><link rel="stylesheet" href="{{ "site.css" | relURL }}">
<link rel="alternate" type="application/atom+xml" href="{{ "feed.xml" | absURL }}"></head>
<body><header><a href="{{ "" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "news/" | relURL }}">新闻</a> <a href="{{ "stations/" | relURL }}">找驿站</a> <a href="{{ "guides/" | relURL }}">办事指南</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="{{ "feed.xml" | relURL }}">订阅</a></footer></body></html>
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
<ul>{{ range first 5 (where site.RegularPages "Section" "news").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006年1月2日" }}</li>{{ end }}</ul>
{{ end }}
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
{{ with .Date }}<p><time datetime="{{ .Format "2006-01-02T15:04:05Z07:00" }}">{{ .Format "2006年1月2日 15:04" }}</time></p>{{ end }}
{{ with .Params.source }}<p>来源：{{ . }}</p>{{ end }}
{{ .Content }}
{{ with .GetTerms "tags" }}<p>标签：{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
{{ with .GetTerms "categories" }}<p>栏目：{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>{{ end }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $p := .Paginate .Pages.ByDate.Reverse }}
{{ range $p.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Date.Format "2006年1月2日" }}</p><p>{{ .Summary | plainify | truncate 120 }}</p></article>{{ end }}
<nav>{{ with $p.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }} 第 {{ $p.PageNumber }} / {{ $p.TotalPages }} 页 {{ with $p.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}</nav>
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
    "home.atom.xml": """{{ printf `<?xml version="1.0" encoding="utf-8"?>` | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom"><title>{{ site.Title }}</title><id>{{ .Permalink }}</id>
<link href="{{ "feed.xml" | absURL }}" rel="self"/>
{{ range first 20 (where site.RegularPages "Section" "news").ByDate.Reverse }}<entry><title>{{ .Title }}</title>
<link href="{{ .Permalink }}"/><id>{{ .Permalink }}</id><updated>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</updated>
<content type="html">{{ .Content | html }}</content></entry>
{{ end }}</feed>
""",
}


def write_hugo(content: Path, out: Path) -> Path:
    articles, stations, guides = read_corpus(content)
    if out.exists():
        shutil.rmtree(out)
    (out / "layouts").mkdir(parents=True)
    (out / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (out / "layouts" / name).write_text(text, encoding="utf-8")
    static = out / "static"
    shutil.copytree(content / "images", static / "images")
    site_css = Path(__file__).resolve().parent.parent / "fengchao" / "theme" / "assets" / "site.css"
    if site_css.is_file():
        shutil.copyfile(site_css, static / "site.css")
    pages = out / "content"
    (pages / "news").mkdir(parents=True)
    (pages / "news" / "_index.md").write_text("---\ntitle: 新闻\n---\n", encoding="utf-8")
    for doc in articles:
        m = doc.meta
        fm = (
            f'---\ntitle: "{m["title"]}"\ndate: {_rfc3339(m["date"])}\ntags: {_yaml_list(m["tags"])}\n'
            f'categories: ["{m["category"]}"]\nsource: "{m["source"]}"\nauthor: "{m["author"]}"\n---\n'
        )
        (pages / "news" / f"{doc.slug}.md").write_text(fm + doc.body, encoding="utf-8")
    (pages / "stations").mkdir()
    (pages / "stations" / "_index.md").write_text("---\ntitle: 找驿站\n---\n", encoding="utf-8")
    for s in stations:
        fm = f'---\ntitle: "{s["name"]}"\ndistrict: "{s["district"]}"\n---\n'
        (pages / "stations" / f"{s['id']}.md").write_text(fm + _station_body(s), encoding="utf-8")
    (pages / "guides").mkdir()
    (pages / "guides" / "_index.md").write_text("---\ntitle: 办事指南\n---\n", encoding="utf-8")
    for doc in guides:
        fm = f'---\ntitle: "{doc.meta["title"]}"\ntopic: "{doc.meta["topic"]}"\nweight: {doc.meta["order"]}\n---\n'
        (pages / "guides" / f"{doc.slug}.md").write_text(fm + doc.body, encoding="utf-8")
    return out


def hugo_article(project: Path, slug: str) -> Path:
    return project / "content" / "news" / f"{slug}.md"


# ---------------------------------------------------------------- Pelican

PELICAN_CONFIG = """\
AUTHOR = "蜂巢编辑部"
SITENAME = "城市小蜜蜂 · 蜂巢"
SITEURL = "https://example.org/hub"
PATH = "content"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
THEME = "theme"
ARTICLE_PATHS = ["news"]
PAGE_PATHS = ["stations", "guides"]
STATIC_PATHS = ["images"]
ARTICLE_URL = "news/{slug}/"
ARTICLE_SAVE_AS = "news/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
CATEGORY_URL = "categories/{slug}/"
CATEGORY_SAVE_AS = "categories/{slug}/index.html"
INDEX_SAVE_AS = "news/index.html"
PAGINATION_PATTERNS = ((1, "{url}", "{save_as}"), (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"))
DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None, "category": None}
DIRECT_TEMPLATES = ["index", "tags", "categories", "archives", "sitemap"]
TAGS_SAVE_AS = "tags/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
ARCHIVES_SAVE_AS = "news/archive/index.html"
SITEMAP_SAVE_AS = "sitemap.xml"
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
FEED_ALL_ATOM = "feed.xml"
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = 20
SLUGIFY_SOURCE = "basename"
RELATIVE_URLS = False
MARKDOWN = {"extension_configs": {"markdown.extensions.extra": {}, "markdown.extensions.toc": {}}, "output_format": "html5"}
# Pelican's own content cache, so its "nothing changed" rebuild is its best.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""

PELICAN_TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title><link rel="stylesheet" href="{{ SITEURL }}/site.css">
<link rel="alternate" type="application/atom+xml" href="{{ FEED_DOMAIN }}/{{ FEED_ALL_ATOM }}"></head>
<body><header><a href="{{ SITEURL }}/">{{ SITENAME }}</a>
<nav><a href="{{ SITEURL }}/news/">新闻</a> <a href="{{ SITEURL }}/tags/">标签</a></nav></header>
<main>{% block content %}{% endblock %}</main><footer><a href="{{ SITEURL }}/feed.xml">订阅</a></footer></body></html>
""",
    "article.html": """{% extends "base.html" %}{% block title %}{{ article.title }} - {{ SITENAME }}{% endblock %}
{% block content %}<article><h1>{{ article.title }}</h1><p><time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time></p>
{{ article.content }}
<p>标签：{% for tag in article.tags %}<a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> {% endfor %}</p>
<p>栏目：<a href="{{ SITEURL }}/{{ article.category.url }}">{{ article.category }}</a></p></article>{% endblock %}
""",
    "page.html": """{% extends "base.html" %}{% block title %}{{ page.title }} - {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ page.title }}</h1>{{ page.content }}{% endblock %}
""",
    "index.html": """{% extends "base.html" %}{% block content %}<h1>新闻</h1>
{% for article in articles_page.object_list %}<article><h2><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></h2><p>{{ article.locale_date }}</p>{{ article.summary|striptags|truncate(120) }}</article>{% endfor %}
{% include "pagination.html" %}{% endblock %}
""",
    "pagination.html": """{% if DEFAULT_PAGINATION %}<nav>{% if articles_page.has_previous() %}<a href="{{ SITEURL }}/{{ articles_previous_page.url }}">上一页</a>{% endif %}
第 {{ articles_page.number }} / {{ articles_paginator.num_pages }} 页
{% if articles_page.has_next() %}<a href="{{ SITEURL }}/{{ articles_next_page.url }}">下一页</a>{% endif %}</nav>{% endif %}
""",
    "tag.html": """{% extends "index.html" %}""",
    "category.html": """{% extends "index.html" %}""",
    "tags.html": """{% extends "base.html" %}{% block content %}<ul>{% for tag, articles in tags|sort %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> ({{ articles|count }})</li>{% endfor %}</ul>{% endblock %}
""",
    "categories.html": """{% extends "base.html" %}{% block content %}<ul>{% for category, articles in categories %}<li><a href="{{ SITEURL }}/{{ category.url }}">{{ category }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "archives.html": """{% extends "base.html" %}{% block content %}<ul>{% for article in dates %}<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "sitemap.html": """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{% for article in articles %}<url><loc>{{ SITEURL }}/{{ article.url }}</loc><lastmod>{{ article.date.strftime("%Y-%m-%d") }}</lastmod></url>
{% endfor %}{% for page in pages %}<url><loc>{{ SITEURL }}/{{ page.url }}</loc></url>
{% endfor %}</urlset>
""",
}


def write_pelican(content: Path, out: Path) -> Path:
    articles, stations, guides = read_corpus(content)
    if out.exists():
        shutil.rmtree(out)
    (out / "theme" / "templates").mkdir(parents=True)
    (out / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    for name, text in PELICAN_TEMPLATES.items():
        (out / "theme" / "templates" / name).write_text(text, encoding="utf-8")
    pages = out / "content"
    shutil.copytree(content / "images", pages / "images")
    site_css = Path(__file__).resolve().parent.parent / "fengchao" / "theme" / "assets" / "site.css"
    if site_css.is_file():
        (out / "theme" / "static").mkdir()
        shutil.copyfile(site_css, out / "theme" / "static" / "site.css")
    (pages / "news").mkdir(parents=True)
    for doc in articles:
        m = doc.meta
        head = (
            f"Title: {m['title']}\nDate: {m['date']}\nTags: {', '.join(m['tags'])}\nCategory: {m['category']}\n"
            f"Source: {m['source']}\nAuthor: {m['author']}\n\n"
        )
        (pages / "news" / f"{doc.slug}.md").write_text(head + doc.body, encoding="utf-8")
    (pages / "stations").mkdir()
    for s in stations:
        head = f"Title: {s['name']}\nSlug: stations/{s['id']}\n\n"
        (pages / "stations" / f"{s['id']}.md").write_text(head + _station_body(s), encoding="utf-8")
    (pages / "guides").mkdir()
    for doc in guides:
        head = f"Title: {doc.meta['title']}\nSlug: guides/{doc.slug}\n\n"
        (pages / "guides" / f"{doc.slug}.md").write_text(head + doc.body, encoding="utf-8")
    return out


def pelican_article(project: Path, slug: str) -> Path:
    return project / "content" / "news" / f"{slug}.md"
