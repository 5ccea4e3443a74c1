"""The content checker: what a government-site inspection fails a site for.

Each rule is one small function over one line of Markdown (code masked out)
returning `(column, message)` pairs; the runner turns them into ordinary
`Problem`s with a column and a rule id, at the level `site.yaml`'s `check:`
section gives the rule (check/settings.py); the link and image rules are in
check/content_links.py. `build` and `check` both run it after assemble, because the
link rules need to know every published URL.

In a build, findings are cached per document and per record (the build
cache's `lint` memo) by everything they depend on: the text, the document's
folder and whether it is published, and the whole `check:` configuration.
Internal links are cached unresolved and resolved against this build's
outputs; staleness (against today) and the place of a field's finding in
its file are worked out afresh every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from fengchao.check.characters import invisible_character, may_hold_invisible
from fengchao.check.content_links import link_hits, may_hold_refs, resolve
from fengchao.check.mojibake import find_garbles, may_hold_garbles
from fengchao.check.settings import CheckConfig, load_check_config
from fengchao.digests import Memo, digest
from fengchao.pool import Pool, pool_for
from fengchao.problems import Problem
from fengchao.site import urls as scheme
from fengchao.site.images import is_raster
from fengchao.warm import COLD, Warm

Hits = list[tuple[int, str]]  # (0-based column, message)


@dataclass(frozen=True)
class Doc:
    path: str  # as shown to the editor
    body: str
    body_line: int  # file line of the body's first line
    source_rel: str  # relative to content/
    published: bool  # its page is in the output (link rules apply)


# --- masking ---------------------------------------------------------------

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_COMMENT = re.compile(r"<!--.*?-->")


def body_lines(body: str):
    """(index, text) of each line, with code blocks, code spans and HTML
    comments blanked to spaces so columns stay true."""
    fence = None
    for index, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1) == fence:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        yield index, _COMMENT.sub(lambda m: " " * len(m.group(0)), line)


def _clip(text: str, limit: int = 24) -> str:
    # Private-use characters print as nothing; show where they are.
    text = "".join("□" if "\ue000" <= ch <= "\uf8ff" else ch for ch in text)
    return text if len(text) <= limit else text[:limit] + "…"


# --- rules over one line ---------------------------------------------------


def mojibake(line: str, cfg: CheckConfig) -> Hits:
    hits = []
    for g in find_garbles(line):
        what = f"疑似乱码（{g.reason}）：「{_clip(line[g.start : g.end])}」。"
        if g.repair:
            what += f"按 GBK 错位重新解读，原文可能是「{g.repair}」，请对照原稿改正"
        else:
            what += "请对照原稿重新复制这一段"
        hits.append((g.start, what))
    return hits


@lru_cache(maxsize=8)
def _spam_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def spam_keyword(line: str, cfg: CheckConfig) -> Hits:
    if not _spam_pattern(cfg.spam_strong + cfg.spam_weak).search(line):
        return []  # the usual case, in one regex scan
    for allowed in cfg.allow_words:
        line = line.replace(allowed, " " * len(allowed))
    strong = [(line.find(w), w) for w in cfg.spam_strong if w in line and w not in cfg.allow_words]
    weak = [(line.find(w), w) for w in cfg.spam_weak if w in line and w not in cfg.allow_words]
    if not strong and len(weak) < 2:
        return []
    found = sorted(strong + weak)
    words = "、".join(w for _, w in found)
    return [(found[0][0], f"疑似被植入的色情/赌博推广文字（{words}），请删除；如确属正文，把词加入 site.yaml 的 check.allow_words")]


_STYLE = re.compile(r"""style\s*=\s*(["'])(.*?)\1""", re.I)
_HIDDEN_STYLES = (
    (re.compile(r"display\s*:\s*none", re.I), "display:none"),
    (re.compile(r"visibility\s*:\s*hidden", re.I), "visibility:hidden"),
    (re.compile(r"font-size\s*:\s*0*(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|!|$)", re.I), "font-size:0"),
    (re.compile(r"(?:left|top|margin-left|margin-top|text-indent)\s*:\s*-\d{3,}", re.I), "移到屏幕之外"),
    (re.compile(r"opacity\s*:\s*0*(?:\.0+)?\s*(?:;|!|$)", re.I), "opacity:0"),
)
_HIDDEN_ATTR = re.compile(r"<[a-z][a-z0-9]*\b[^>]*\shidden(?=[\s/>=])", re.I)


def hidden_content(line: str, cfg: CheckConfig) -> Hits:
    hits = []
    for m in _STYLE.finditer(line):
        for pattern, label in _HIDDEN_STYLES:
            if pattern.search(m.group(2)):
                start = line.rfind("<", 0, m.start()) if "<" in line[: m.start()] else m.start()
                hits.append((start, f"隐藏的文字或链接（{label}）：读者看不见、搜索引擎却能读到，常被用来植入暗链，请删除"))
                break
    for m in _HIDDEN_ATTR.finditer(line):
        hits.append((m.start(), "隐藏的文字或链接（hidden 属性）：读者看不见、搜索引擎却能读到，常被用来植入暗链，请删除"))
    return hits


STRAY_MARKUP = re.compile(
    r"</?(?:p|div|span|font|o:p|center|section)(?:\s[^>]*)?>"  # pasted page markup
    r"|(?<![<A-Za-z0-9])[?？]?/(?:p|div|span|font|a|b|strong|em|td|tr|li|section)>"  # a tag whose "<" was lost
    r"|&(?:nbsp|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|quot);",
    re.I,
)


_ELEMENT = re.compile(r"<(p|div|span|font|center|section)(?:\s[^>]*)?>.*?</\1>", re.I)


def stray_markup(line: str, cfg: CheckConfig) -> Hits:
    # A whole element on one line (<p …>…</p>) is raw HTML, which Markdown
    # allows and sanitize.py cleans; debris is a tag without its pair.
    whole = [(m.start(), m.end()) for m in _ELEMENT.finditer(line)]
    hits = []
    for m in STRAY_MARKUP.finditer(line):
        if any(start <= m.start() < end for start, end in whole):
            continue
        if any(p.search(m.group(0)) for p, _ in _HIDDEN_STYLES):
            continue  # hidden-content reports it
        hits.append((m.start(), f"正文中残留了网页代码「{m.group(0)}」（复制网页时带进来的），请删除"))
    return hits


_ID = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_resident_id(number: str) -> bool:
    """GB 11643: ISO 7064 MOD 11-2 check digit and a plausible birth date."""
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    if "10X98765432"[total % 11] != number[17].upper():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


_DIGITS = re.compile(r"\d{11}|\d{3}[- ]\d{4}")


def personal_id(line: str, cfg: CheckConfig) -> Hits:
    if not _DIGITS.search(line):
        return []
    return [
        (m.start(), f"出现了身份证号码（{m.group(1)[:6]}********{m.group(1)[-4:]}），不得公开，请删除")
        for m in _ID.finditer(line)
        if is_resident_id(m.group(1))
    ]


_MOBILE = re.compile(r"(?<![\d.])(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![\d.])")


def mobile_number(line: str, cfg: CheckConfig) -> Hits:
    if not _DIGITS.search(line):
        return []
    return [
        (m.start(), f"出现了手机号码（{m.group(1)}****{m.group(3)}）：个人号码不宜公开；服务电话请写进 contacts 或站点的 phone 字段")
        for m in _MOBILE.finditer(line)
    ]


LINE_RULES = {
    "mojibake": mojibake,
    "spam-keyword": spam_keyword,
    "hidden-content": hidden_content,
    "stray-markup": stray_markup,
    "personal-id": personal_id,
    "mobile-number": mobile_number,
    "invisible-character": invisible_character,
}

_STYLE_OR_HIDDEN = re.compile(r"style|hidden", re.I)

# Per rule, a test of the whole masked body that is true whenever the rule
# could flag one of its lines (no pattern here matches across a line break,
# or a line's match is also the text's).
_ANY = lambda text, cfg: True  # noqa: E731 - a rule without a whole-text test runs on every line
_MAY_HIT = {
    "mojibake": lambda text, cfg: may_hold_garbles(text),
    "spam-keyword": lambda text, cfg: _spam_pattern(cfg.spam_strong + cfg.spam_weak).search(text) is not None,
    "hidden-content": lambda text, cfg: _STYLE_OR_HIDDEN.search(text) is not None,
    "stray-markup": lambda text, cfg: STRAY_MARKUP.search(text) is not None,
    "personal-id": lambda text, cfg: _DIGITS.search(text) is not None,
    "mobile-number": lambda text, cfg: _DIGITS.search(text) is not None,
    "invisible-character": may_hold_invisible,
}

# --- staleness -------------------------------------------------------------


def stale_guides(guides, root: Path, cfg: CheckConfig, today: date) -> list[tuple[str, int, str]]:
    found = []
    for guide in guides:
        if guide.reviewed is None:
            continue
        age = (today - guide.reviewed).days
        if age > cfg.stale_days:
            line = _key_line(root / guide.where.path, "reviewed") or guide.where.line
            found.append(
                (
                    guide.where.path,
                    line,
                    f"这篇指南上次核对是 {guide.reviewed.isoformat()}，已过去 {age} 天（上限 {cfg.stale_days} 天）：请核对内容是否仍然有效，再把 reviewed 改为核对当天的日期",
                )
            )
    return found


def _key_line(path: Path, key: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return 0
    for number, text in enumerate(lines[1:], 2):
        if text.strip() in ("---", "..."):
            break
        if text.startswith(key + ":"):
            return number
    return 0


# --- runner ----------------------------------------------------------------


def doc_hits(doc: Doc, cfg: CheckConfig) -> tuple:
    """Every finding of one document as (body line index, link_hits entry),
    in report order; a function of the body, its folder, whether it is
    published and `cfg` only (what lint_docs keys its cache by)."""
    lines = list(body_lines(doc.body))
    # Each rule first looks at the whole (masked) body at once: most rules
    # find nothing in most documents, and one scan of the text costs less
    # than a Python call per line (a cold check of 2,000 articles: ~0.45 s
    # before). A rule's test here never misses a line it would flag.
    text = "\n".join(line for _, line in lines)
    rules = [(rule, check) for rule, check in LINE_RULES.items() if cfg.level(rule) != "off" and _MAY_HIT.get(rule, _ANY)(text, cfg)]
    links = may_hold_refs(text)
    found = []
    for index, line in lines:
        found += [(index, (rule, col, msg)) for rule, check in rules for col, msg in check(line, cfg)]
        if links:
            found += [(index, hit) for hit in link_hits(line, doc, cfg)]
    return tuple(found)


def _cached(memo: Memo | None, make, *key_parts: str):
    """make(), or the last build's result under the same key; kept for the next build."""
    return make() if memo is None else memo.reuse(digest(*key_parts), make)


def _docs_worker(cfg: CheckConfig):
    return lambda docs: [doc_hits(doc, cfg) for doc in docs]


def lint_docs(docs: list[Doc], cfg: CheckConfig, outputs: frozenset, memo: Memo | None = None, jobs: int | Pool = 1) -> list[Problem]:
    """Documents not in `memo` are checked on every core (`jobs`: the
    build's pool): ~0.4 s of a cold build of 2,000 articles in one process."""
    problems = []
    severity = {"error": "error", "warn": "warning"}
    settings = digest("lint-settings", repr(cfg))  # once: the rule lists are long
    keys = [digest("lint-doc", settings, doc.body, doc.source_rel, str(doc.published)) for doc in docs] if memo is not None else []
    per_doc = [memo.previous.get(key) for key in keys] if memo is not None else [None] * len(docs)
    missing = [i for i, hits in enumerate(per_doc) if hits is None]
    with pool_for(jobs) as pool:
        for i, hits in zip(missing, pool.map(_docs_worker, (cfg,), (docs[i] for i in missing), len(missing))):
            per_doc[i] = hits
    for i, (doc, hits) in enumerate(zip(docs, per_doc)):
        if memo is not None:
            memo.used[keys[i]] = hits
        for index, hit in hits:
            found = resolve(hit, outputs)
            if found and cfg.level(found[0]) != "off":
                rule, col, message = found
                problems.append(Problem(doc.path, doc.body_line + index, message, severity[cfg.level(rule)], col + 1, rule))
    return problems


# Fields whose text is published as-is; contact fields (phone) are left out
# on purpose: a service number belongs there.
def _field_values(records):
    for a in records.articles:
        yield a.where, (a.title, a.summary, a.source, a.editor, a.category, a.image_alt, *a.authors, *a.tags)
    for g in records.guides:
        yield g.where, (g.title, g.summary, g.audience)
    for p in records.pages:
        yield p.where, (p.title, p.summary)
    for st in records.stations:
        yield st.where, (st.name, st.address, st.operator, st.notes, *(ph.alt for ph in st.photos))


def field_hits(values, cfg: CheckConfig) -> tuple:
    """(text, [(rule, col, message)]) for each line of a record's field values that has findings."""
    rules = [(rule, check) for rule, check in LINE_RULES.items() if cfg.level(rule) != "off"]
    found = []
    for value in values:
        for text in (value or "").split("\n"):
            hits = [(rule, col, msg) for rule, check in rules for col, msg in check(text, cfg)] if text.strip() else []
            if hits:
                found.append((text, hits))
    return tuple(found)


def lint_fields(records, root: Path, cfg: CheckConfig, memo: Memo | None = None) -> list[Problem]:
    """The text rules over front matter and station fields. The file is read
    (to find line and column) only for a value that has a finding, every
    time: the cache keeps the findings by the values, not their place."""
    severity = {"error": "error", "warn": "warning"}
    settings = digest("lint-settings", repr(cfg))  # once: the rule lists are long
    files: dict[str, list[str]] = {}
    problems = []
    for where, values in _field_values(records):
        found = _cached(memo, lambda values=values: field_hits(values, cfg), "lint-fields", settings, repr(values))
        for text, hits in found:
            if where.path not in files:
                try:
                    files[where.path] = (root / where.path).read_text(encoding="utf-8").split("\n")
                except OSError:
                    files[where.path] = []
            line, offset = _locate(files[where.path], text, where.line)
            for rule, col, message in hits:
                column = offset + col + 1 if offset is not None else 0
                problems.append(Problem(where.path, line, message, severity[cfg.level(rule)], column, rule))
    return problems


def _locate(lines: list[str], text: str, after: int) -> tuple[int, int | None]:
    """(1-based line, 0-based column) of `text` in the file, from line
    `after` on; the record's own line and no column if YAML quoting hid it."""
    for number in range(max(after, 1), len(lines) + 1):
        column = lines[number - 1].find(text.strip())
        if column >= 0:
            return number, column - (len(text) - len(text.lstrip()))
    return after, None


def lint_site(root: Path, config, records, model, now: datetime, warm: Warm = COLD) -> list[Problem]:
    """Every finding of the content checker for one prepared site.

    With `warm.lint` (the build cache's, or the preview's memory), a
    document's or record's findings are reused when its text and the
    `check:` settings are the same; its links to other pages are checked
    against this site every time, and staleness against today, so the cache
    never hides a finding."""
    memo, jobs = warm.lint, warm.pool
    cfg, problems = load_check_config(root, urlsplit(config.base_url).hostname or "")
    outputs = frozenset(j.path for j in model.jobs) | frozenset(r.path for r in model.raw) | frozenset(c.path for c in model.copies)
    # A photo is published as renditions under other names; its source stands for them (the image stage has
    # already failed the build if one it shows could not be processed).
    outputs |= frozenset(s.rel for s in records.static if is_raster(s.rel))
    docs = []
    for found, url_of in ((records.articles, scheme.article), (records.guides, scheme.guide), (records.pages, scheme.page)):
        docs += [Doc(d.where.path, d.body, d.body_line, d.source_rel, scheme.file_of(url_of(d.slug)) in outputs) for d in found]
    problems += lint_docs(docs, cfg, outputs, memo, jobs)
    problems += lint_fields(records, root, cfg, memo)
    level = cfg.level("stale-guide")
    if level != "off":
        for path, line, message in stale_guides(records.guides, root, cfg, now.date()):
            problems.append(Problem(path, line, message, "error" if level == "error" else "warning", 1, "stale-guide"))
    return problems
