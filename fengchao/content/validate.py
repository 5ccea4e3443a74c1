"""Stage 2, validate: loaded files → typed records, every problem collected.

Each check names the file and the line of the offending key, so the editor
lands on the right line. Cross-record checks (duplicate slugs, guides naming
stations that do not exist) happen here too, after every record is read.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

from fengchao.content.aliases import old_paths
from fengchao.content.config import SiteConfig
from fengchao.content.load import LineMap, LoadedContent, SourceDoc
from fengchao.content.records import Article, Contact, Guide, Page, Records, Where
from fengchao.content.stations import validate_stations
from fengchao.content.stories import Story, same_story
from fengchao.content.url_rule import url_problem
from fengchao.content.yaml_lines import TextList
from fengchao.problems import Problem
from fengchao.text import SLUG_RE, full_width_comma, short_slug, without_invisible
from fengchao.warm import COLD, Warm

# Folder names are at most 255 bytes on every file system; a slug is one,
# a tag's or category's pinyin (up to ~7 letters a character) is another.
MAX_SLUG_CHARS = 120
MAX_TERM_CHARS = 30
# Slugs under news/ that would collide with the list pages.
RESERVED_NEWS_SLUGS = {"page", "archive"}
# Front-matter fields each kind understands; anything else is probably a typo.
_FIELDS = {
    "news": (
        "title",
        "date",
        "slug",
        "summary",
        "tags",
        "category",
        "source",
        "source_url",
        "author",
        "editor",
        "image",
        "image_alt",
        "updated",
        "draft",
        "expires",
        "trusted_html",
    ),
    "guide": ("title", "topic", "slug", "summary", "order", "updated", "reviewed", "audience", "stations", "contacts", "draft", "trusted_html"),
    "page": ("title", "slug", "summary", "draft", "trusted_html"),
}
# Every kind of page can take its earlier addresses (content/aliases.py).
KNOWN_FIELDS = {kind: (*fields, "aliases") for kind, fields in _FIELDS.items()}

# Reported on every build and check, so an opt-out of the sanitizer is never silent.
TRUSTED_HTML_WARNING = "trusted_html: true：本文件中的 HTML 不经安全过滤、原样发布（脚本和内联样式仍会被浏览器的安全策略拦截）。请确认内容来源可信"
_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:")
_DATE_ONLY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DATE_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


class Fields:
    """Reads typed fields from one front-matter map, collecting problems."""

    def __init__(self, meta: LineMap, shown: str, tz: ZoneInfo, problems: list[Problem]):
        self.meta, self.shown, self.tz, self.problems = meta, shown, tz, problems

    def error(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.shown, self.meta.line_of(key), message))

    def text(self, key: str, required: bool = False) -> str | None:
        value = self.meta.typed(key)  # `title: yes` is the text "yes", not True
        if value is None or value == "":
            if required:
                self.error(key, f"缺少必填字段 {key}")
            return None
        if isinstance(value, (LineMap, list)):
            self.error(key, f"{key} 应该是一段文字")
            return None
        return str(value).strip()

    def flag(self, key: str) -> bool:
        value = self.meta.get(key, False)
        if not isinstance(value, bool):
            self.error(key, f"{key} 应为 true 或 false")
            return False
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, TextList):
            value = value.typed()  # `tags: [yes, 010]` are the texts "yes" and "010"
        if isinstance(value, (bool, int, float)):
            value = self.meta.typed(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
            self.error(key, f"{key} 应为列表，例如 [{key}1, {key}2]")
            return ()
        items = tuple(str(v).strip() for v in value if str(v).strip())
        for item in items:
            if "，" in item or "、" in item:
                self.problems.append(Problem(self.shown, self.meta.line_of(key), full_width_comma(key, item), "warning"))
        return items

    def terms(self, key: str, values):
        """Tags or a category, each within MAX_TERM_CHARS (its page's folder name is its pinyin)."""
        kept = []
        for value in values:
            if len(value) > MAX_TERM_CHARS:
                self.error(
                    key, f"{key} 中的 {value[:20]!r}… 太长（{len(value)} 个字符），上限 {MAX_TERM_CHARS} 个：每个标签和分类都有自己的网址。请缩短"
                )
            else:
                kept.append(value)
        return kept

    def aliases(self) -> tuple[str, ...]:
        return old_paths(self.text_list("aliases"), lambda message: self.error("aliases", message))

    def moment(self, key: str, required: bool = False) -> datetime | None:
        raw = self.text(key, required)
        if raw is None:
            return None
        parsed = parse_moment(raw, self.tz)
        if parsed is None:
            self.error(key, f"无法识别的日期 {raw!r}：请写成 2024-08-19、2024-08-19 08:30 或带时区的 ISO 8601 格式")
        return parsed

    def day(self, key: str) -> date | None:
        moment = self.moment(key)
        return moment.date() if moment else None

    def slug(self, fallback: str) -> str | None:
        """The `slug` key, else the file name; a file name that is not a
        slug (通知 公告.md, as the web editor names a Chinese title) gets its
        pinyin, as tags do. Only one with nothing to spell is refused."""
        slug = self.text("slug")
        if slug is None and not SLUG_RE.match(fallback):
            spelt = short_slug(fallback)
            slug = spelt if re.search(r"[^\W_]", fallback) and SLUG_RE.match(spelt) else fallback
        slug = slug or fallback
        # A bad slug is the editor's `slug:` if there is one, else the file's name.
        typed = "slug" in self.meta
        line = self.meta.line_of("slug") if typed else self.meta.line or 1
        if len(slug) > MAX_SLUG_CHARS:
            message = f"{'slug ' if typed else '文件名'}太长（{len(slug)} 个字符），上限 {MAX_SLUG_CHARS} 个：网址的每一段都是一个文件夹名。请缩短"
        elif not SLUG_RE.match(slug):
            message = f"{'slug' if typed else '文件名'} {slug!r} 不能用作网址：只能用小写字母、数字和连字符（-），且以字母或数字开头"
        else:
            return slug
        self.problems.append(Problem(self.shown, line, message))
        return None


def parse_moment(raw: str, tz: ZoneInfo) -> datetime | None:
    raw = raw.strip()
    try:
        if _DATE_ONLY.match(raw):
            y, m, d = (int(x) for x in raw.split("-"))
            return datetime.combine(date(y, m, d), time(), tz)
        match = _DATE_TIME.match(raw)
        if match:
            y, m, d = (int(x) for x in match.group(1).split("-"))
            return datetime(y, m, d, int(match.group(2)), int(match.group(3)), int(match.group(4) or 0), tzinfo=tz)
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)


def _where(doc: SourceDoc) -> Where:
    """A record's place for messages about its URL: the slug key, else line 1."""
    return Where(doc.shown, doc.meta.key_lines.get("slug", 1))


def _article(doc: SourceDoc, f: Fields) -> Article | None:
    slug = f.slug(PurePosixPath(doc.rel).stem)
    title, moment = f.text("title", required=True), f.moment("date", required=True)
    if slug in RESERVED_NEWS_SLUGS:
        f.error("slug", f"slug {slug!r} 与新闻列表的网址冲突，请换一个")
        slug = None
    authors = f.text_list("author")
    image = f.text("image")
    image_alt = f.text("image_alt")
    source_url = f.text("source_url")
    source_problem = source_url and url_problem(source_url, doc.rel, relative=False)
    if source_problem:
        f.error("source_url", f"source_url {source_problem}")
        source_url = None
    image_problem = image and url_problem(image, doc.rel)
    if image_problem:
        f.error("image", f"封面图片 {image_problem}")
        image = None
    if image and not image_alt:
        f.error("image", "封面图片缺少替代文字：请加上 image_alt，描述图片内容，方便读屏软件用户")
    article = Article(
        slug=slug or "",
        title=title or "",
        date=moment or datetime.min,
        body=doc.body,
        body_line=doc.body_line,
        source_rel=doc.rel,
        where=_where(doc),
        summary=f.text("summary"),
        # Compared and slugged as they look: "快递小哥" typed, pasted with a
        # zero-width space inside, or in decomposed form is one tag.
        tags=tuple(dict.fromkeys(f.terms("tags", (t for t in map(without_invisible, f.text_list("tags")) if t)))),
        category=next(iter(f.terms("category", [without_invisible(f.text("category") or "")])), None) or None,
        source=f.text("source"),
        source_url=source_url,
        authors=authors,
        editor=f.text("editor"),
        image=image,
        image_alt=image_alt,
        updated=f.moment("updated"),
        draft=f.flag("draft"),
        expires=f.moment("expires"),
        image_line=f.meta.line_of("image") if image else 0,
        aliases=f.aliases(),
    )
    return article if slug and title and moment else None


def _contacts(f: Fields) -> tuple[Contact, ...]:
    raw = f.meta.get("contacts")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        f.error("contacts", "contacts 应为列表，每项包含 name，可选 phone、address、hours")
        return ()
    contacts = []
    for item in raw:
        if not isinstance(item, LineMap) or not item.get("name"):
            line = item.line if isinstance(item, LineMap) else f.meta.line_of("contacts")
            f.problems.append(Problem(f.shown, line, "联系方式每项都需要 name（单位或联系人名称）"))
            continue
        get = lambda k, item=item: str(item.typed(k)).strip() if item.get(k) not in (None, "") else None  # noqa: E731
        contacts.append(Contact(get("name"), get("phone"), get("address"), get("hours")))
    return tuple(contacts)


def _guide(doc: SourceDoc, f: Fields, config: SiteConfig) -> Guide | None:
    slug = f.slug(PurePosixPath(doc.rel).stem)
    title, topic = f.text("title", required=True), f.text("topic", required=True)
    topic_names = [name for name, _ in config.topics]
    if topic and topic not in topic_names:
        f.error("topic", f"未知主题 {topic!r}：可选 {'、'.join(topic_names)}（在 site.yaml 的 guides.topics 中设置）")
        topic = None
    order = f.meta.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        f.error("order", "order 应为整数")
        order = 0
    guide = Guide(
        slug=slug or "",
        title=title or "",
        topic=topic or "",
        body=doc.body,
        body_line=doc.body_line,
        source_rel=doc.rel,
        where=_where(doc),
        summary=f.text("summary"),
        order=order,
        updated=f.day("updated"),
        reviewed=f.day("reviewed"),
        audience=f.text("audience"),
        stations=f.text_list("stations"),
        contacts=_contacts(f),
        draft=f.flag("draft"),
        aliases=f.aliases(),
    )
    return guide if slug and title and topic else None


def _page(doc: SourceDoc, f: Fields) -> Page | None:
    slug = f.slug(PurePosixPath(doc.rel).stem)
    title = f.text("title", required=True)
    page = Page(slug or "", title or "", doc.body, doc.body_line, doc.rel, _where(doc), f.text("summary"), f.flag("draft"), f.aliases())
    return page if slug and title else None


def _duplicates(records, kind: str, problems: list[Problem]) -> None:
    seen: dict[str, Where] = {}
    for record in records:
        first = seen.setdefault(record.slug, record.where)
        if first is not record.where:
            problems.append(
                Problem(
                    record.where.path, record.where.line, f"{kind}网址 {record.slug!r} 重复：{first.path}:{first.line} 已使用。请改 slug 或文件名"
                )
            )


def _unknown_fields(doc: SourceDoc, problems: list[Problem]) -> None:
    known = KNOWN_FIELDS[doc.kind]
    for key in doc.meta:
        if key not in known:
            guess = difflib.get_close_matches(str(key), known, n=1)
            hint = f"，是否想写 {guess[0]}？" if guess else f"。可用字段：{'、'.join(known)}"
            problems.append(Problem(doc.shown, doc.meta.line_of(key), f"未知字段 {key!r}，将被忽略{hint}", "warning"))


def _validate_doc(doc, config: SiteConfig) -> tuple[object, tuple[Problem, ...], bool]:
    """One document on its own: (record or None, its problems, trusted_html?)."""
    problems: list[Problem] = []
    f = Fields(doc.meta, doc.shown, config.tz, problems)
    _unknown_fields(doc, problems)
    trusted = "trusted_html" in doc.meta and f.flag("trusted_html")
    if trusted:
        problems.append(Problem(doc.shown, doc.meta.line_of("trusted_html"), TRUSTED_HTML_WARNING, "warning"))
    if doc.kind == "news":
        record = _article(doc, f)
    elif doc.kind == "guide":
        record = _guide(doc, f, config)
    else:
        record = _page(doc, f)
    return record, tuple(problems), trusted


def validate(content: LoadedContent, config: SiteConfig, warm: Warm = COLD) -> tuple[Records, list[Problem]]:
    """Every record, and every problem with its line.

    The preview's memory (`warm.recall`, kept with the load memo) holds each
    document's result by the document object: the load memo hands back the
    very same object for a file that did not change."""
    memo = warm.memory("validate")
    problems: list[Problem] = []
    articles, guides, pages = [], [], []
    stories: list[Story] = []
    guide_station_lines: list[tuple[Guide, int, str]] = []
    trusted: set[str] = set()
    seen: dict = {}
    # site.yaml is read again on every build: equal is as good as the same.
    same_config = memo is not None and memo.get("config") == config
    previous = memo.get("docs", {}) if same_config else {}
    for doc in content.docs:
        known = previous.get(doc.rel)
        if known is not None and known[0] is doc:
            record, found, is_trusted = known[1]
        else:
            record, found, is_trusted = _validate_doc(doc, config)
        # The doc is kept with its result, so `is` stays meaningful.
        seen[doc.rel] = (doc, (record, found, is_trusted))
        problems += found
        if is_trusted:
            trusted.add(doc.rel)
        if record is None:
            continue
        if doc.kind == "news":
            articles.append(record)
            stories.append(Story(doc.shown, record.title, doc.meta.line_of("title"), record.source_url, doc.meta.line_of("source_url")))
        elif doc.kind == "guide":
            guides.append(record)
            guide_station_lines.append((record, doc.meta.line_of("stations"), doc.shown))
        else:
            pages.append(record)
    if memo is not None:
        memo.update(config=config, docs=seen)
    files = content.station_files
    known = memo.get("stations") if same_config else None
    if known is not None and len(known[0]) == len(files) and all(a is b for a, b in zip(known[0], files)):
        stations, station_problems = known[1]
    else:
        stations, station_problems = validate_stations(files, config)
    if memo is not None:
        memo["stations"] = (files, (stations, station_problems))
    problems += station_problems

    _duplicates(articles, "新闻", problems)
    problems += same_story(stories)
    _duplicates(guides, "指南", problems)
    _duplicates(pages, "页面", problems)
    known = {s.id for s in stations}
    for guide, line, shown in guide_station_lines:
        for station_id in guide.stations:
            if station_id not in known:
                problems.append(Problem(shown, line, f"stations 中的站点 {station_id!r} 不存在：请检查 content/stations/ 中的 id"))

    articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    guides.sort(key=lambda g: (g.topic, g.order, g.slug))
    pages.sort(key=lambda p: p.slug)
    return Records(tuple(articles), tuple(guides), tuple(pages), stations, content.static, frozenset(trusted)), problems
