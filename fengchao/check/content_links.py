"""The content checker's link and image rules (check/content.py runs them).

Per line of a body: images without alt text, external links to domains
outside the allowlist, and internal links / images that resolve to nothing.
Whether a page is published is the whole site's to say, so an internal link
is returned unresolved ("exists?") and `resolve` checks it against the
site's outputs: check/content.py caches a document's hits by its own text, and the
cache can never hide a page that this build removed.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from fengchao.check.settings import CheckConfig

_MD_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_HTML_REF = re.compile(r"<(a|img)\b([^>]*)>", re.I)
_ATTR = re.compile(r"""\b(href|src|alt)\s*=\s*(["'])(.*?)\2""", re.I)
_BARE_URL = re.compile(r"https?://[^\s<>\"'()（）\]，。；]+")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Ref:
    col: int
    target: str
    image: bool
    alt: str | None  # None: not an image


def may_hold_refs(text: str) -> bool:
    """False when no line of `text` has a link, an image or a URL."""
    return "](" in text or "]:" in text or "<" in text or "//" in text


def refs(line: str) -> list[Ref]:
    if not may_hold_refs(line):
        return []  # most lines: no link, no image, no URL
    found: list[Ref] = []
    spans: list[tuple[int, int]] = []
    for m in _MD_LINK.finditer(line):
        image = m.group(1) == "!"
        found.append(Ref(m.start(), m.group(3), image, m.group(2) if image else None))
        spans.append(m.span())
    m = _REF_DEF.match(line)
    if m:
        found.append(Ref(m.start(1), m.group(1), False, None))
        spans.append(m.span())
    for m in _HTML_REF.finditer(line):
        attrs = {a.group(1).lower(): a.group(3) for a in _ATTR.finditer(m.group(2))}
        image = m.group(1).lower() == "img"
        target = attrs.get("src" if image else "href")
        if target is not None:
            found.append(Ref(m.start(), target, image, attrs.get("alt", "") if image else None))
        spans.append(m.span())
    for m in _BARE_URL.finditer(line):
        if not any(a <= m.start() < b for a, b in spans):
            found.append(Ref(m.start(), m.group(0), False, None))
    return sorted(found, key=lambda r: r.col)


def link_hits(line: str, doc, cfg: CheckConfig) -> list[tuple]:
    """(rule, col, message) per finding, and ("exists?", col, image, target,
    rel) per internal link of a published `doc` (lint.Doc), for `resolve`."""
    hits: list[tuple] = []
    for ref in refs(line):
        if ref.image and not (ref.alt or "").strip():
            hits.append(("image-alt", ref.col, "图片没有替代文字：写成 ![图片内容的说明](…)，看不见图片的读者（读屏软件）才知道这里是什么"))
        target = ref.target.strip()
        try:
            parts = urlsplit(target)
        except ValueError:  # "http://[::1": the Markdown stage reports it at its line
            continue
        if parts.scheme in ("http", "https") or target.startswith("//"):
            host = (parts.hostname or "").lower()
            if not any(host == d or host.endswith("." + d) for d in cfg.allow_domains):
                hits.append(
                    ("external-link", ref.col, f"外部链接指向 {host}，不在允许的网站名单中；确认可靠后把它加入 site.yaml 的 check.allow_domains")
                )
            continue
        if not doc.published or not target or target.startswith("#") or _SCHEME.match(target):
            continue
        path = unquote(parts.path)
        if path.startswith("/"):
            rel = path.lstrip("/")
        elif path.endswith(".md") or posixpath.splitext(path)[1]:
            continue  # content-file links: markup/markdown.py already reports these
        else:
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(doc.source_rel), path))
            rel = "" if rel == "." else rel + ("/" if path.endswith("/") else "")
        hits.append((_UNRESOLVED, ref.col, ref.image, target, rel))
    return hits


_UNRESOLVED = "exists?"


def resolve(hit: tuple, outputs: frozenset) -> tuple[str, int, str] | None:
    """A link_hits entry against the site's outputs: (rule, col, message) or None."""
    if hit[0] != _UNRESOLVED:
        return hit
    _, col, image, target, rel = hit
    if _exists(rel, outputs):
        return None
    if image:
        return "missing-image", col, f"图片 {target!r} 不存在：请检查文件名，图片应放在 content/ 下对应的位置"
    return "broken-link", col, f"链接 {target!r} 指向的页面不存在（或是草稿、尚未发布）"


def _exists(rel: str, outputs: frozenset) -> bool:
    if rel in ("", "/"):
        return "index.html" in outputs
    return rel in outputs or rel.rstrip("/") + "/index.html" in outputs
