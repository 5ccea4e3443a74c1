"""`fengchao import FILE`: a scraped or pasted article → a draft news file.

News pages copied from a newspaper or another government site carry the
article plus everything around it: breadcrumbs, injected spam, "分享到",
"更多>>" lists of other headlines, image file names. The article itself has
a recognisable shape — a title, a 发布时间/来源 line, paragraphs, a reporter
credit, 责任编辑 — so we keep that and drop the rest. Mojibake is kept (only
the editor can say what the original was) but marked with an HTML comment
carrying the suggested repair, and `fengchao check` still reports it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import frontmatter

from fengchao.check.content import STRAY_MARKUP, spam_keyword
from fengchao.check.mojibake import find_garbles
from fengchao.check.settings import CheckConfig
from fengchao.content.config import load_config
from fengchao.content.load import MAX_FILE_BYTES
from fengchao.problems import BuildFailed, Problem, UsageError, display_path
from fengchao.tools.new import short_slug

_META = re.compile(r"(?:发布时间|发布日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+(\d{1,2}):(\d{2}))?")
_SOURCE = re.compile(r"来源\s*[:：]\s*([^\s|｜]+)")
_REPORTER = re.compile(r"(?:记者|通讯员|文\s*/)\s*[:：]?\s*((?:[\u4e00-\u9fff]{2,4}[\s、，,]*)+)$")
_INLINE_REPORTER = re.compile(r"[（(](?:本报)?记者\s*((?:[\u4e00-\u9fff]{2,4}[\s、，,]*)+)[）)]")
_EDITOR = re.compile(r"^(?:责任编辑|责编|编辑)\s*[:：]\s*(.+)$")
_IMAGE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp)$", re.I)
_JUNK = re.compile(r"更多\s*>>|>>|分享到|打印本页|关闭窗口|【字体|上一篇|下一篇|扫一扫")
_HEADLINE_ITEM = re.compile(r"^[·•●▪■◆]")
_SENTENCE_END = re.compile(r"[。！？!?；]")
# Half-width punctuation after Chinese text: a scraper folded it; editors
# and readers expect full width.
_HALF = {",": "，", ":": "：", ";": "；"}
_HALF_AFTER_CJK = re.compile(r"(?<=[\u4e00-\u9fff”）》])([,:;])")


@dataclass
class Imported:
    title: str = ""
    date: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    editor: str = ""
    paragraphs: list[str] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    garbled: int = 0
    notes: list[str] = field(default_factory=list)  # what the editor must know about the import (the encoding)
    same: list[Problem] = field(default_factory=list)  # the site already has this story

    def drop(self, why: str) -> None:
        self.dropped[why] = self.dropped.get(why, 0) + 1


class _Text(HTMLParser):
    """Saved HTML → lines of text, one per block; scripts, styles and
    hidden elements (where spam links hide) left out."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "section", "article", "td", "table", "ul", "ol"}
    SKIP = {"script", "style", "noscript", "head", "iframe", "template"}
    VOID = {"br", "img", "meta", "link", "input", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.stack: list[bool] = []  # per open element: does it hide its content?
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        style = (attrs.get("style") or "").replace(" ", "").lower()
        hidden = tag in self.SKIP or "hidden" in attrs or "display:none" in style or "visibility:hidden" in style
        if tag in self.BLOCKS:
            self.lines.append("")
        if tag not in self.VOID:
            self.stack.append(hidden)
        self._in_h1 = self._in_h1 or tag == "h1"

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()
        if tag in self.BLOCKS:
            self.lines.append("")
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if any(self.stack):
            return
        self.lines[-1] += data.replace("\n", " ")
        if self._in_h1:
            self.h1 += data.strip()


# A source this big is not one article; reading it would only fill memory.
MAX_SOURCE_BYTES = 4 * MAX_FILE_BYTES
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# What a page declares → the codec that reads it: browsers read GB2312 and
# GBK as GB18030 and Big5 with the Hong Kong additions (WHATWG Encoding).
_CODECS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}


def decode_source(data: bytes, html: bool) -> tuple[str, list[str]]:
    """(text, notes): the declared encoding of a saved page honoured, else
    UTF-8, else the likelier of GB18030 and Big5; a guess or a page that
    does not match its declaration is said, never silent."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), []
    found = _DECLARED.search(data[:4096]) if html else None
    declared = found.group(1).decode("ascii").lower() if found else None
    if declared:
        codec = _CODECS.get(declared) or _known_codec(declared)
        if codec:
            try:
                return data.decode(codec), []
            except UnicodeDecodeError:
                text, name = _guess(data)
                if name:
                    return text, [f"网页声明的编码是 {declared}，但内容不是这种编码；已按 {name} 读取，请对照原网页核对文字"]
                return data.decode(codec, errors="replace"), [
                    f"网页声明的编码是 {declared}，但有些字节不符合它；无法识别的字已换成 �，请对照原网页核对"
                ]
    text, name = _guess(data)
    if name and name != "UTF-8":
        return text, [f"文件没有声明编码，已按 {name} 读取（猜测）：如有乱码，请把原网页另存为 UTF-8 再导入"]
    if name is None:
        return text, ["文件的编码无法识别（不是 UTF-8、GBK/GB18030 或 Big5），无法识别的字已换成 �，请对照原稿核对"]
    return text, []


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess(data: bytes) -> tuple[str, str | None]:
    """(text, codec name) decoded strictly as UTF-8, else GB18030 or Big5,
    whichever reads as the commoner characters; (replaced text, None) if none does."""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for codec, name, common in (("gb18030", "GBK/GB18030", _common_gb), ("big5hkscs", "Big5", _common_big5)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((common(text), text, name))
    if not candidates:
        return data.decode("gb18030", errors="replace"), None
    _, text, name = max(candidates, key=lambda c: c[0])
    return text, name


def _share(text: str, frequent) -> float:
    han = [ch for ch in text if "\u4e00" <= ch <= "\u9fff"]
    return sum(1 for ch in han if frequent(ch)) / len(han) if han else 0.0


def _common_gb(text: str) -> float:
    """Share of Han characters among GB2312's 3,755 level-1 (commonest) ones."""

    def level1(ch: str) -> bool:
        try:
            return 0xB0 <= ch.encode("gb2312")[0] <= 0xD7
        except UnicodeEncodeError:
            return False

    return _share(text, level1)


def _common_big5(text: str) -> float:
    """Share of Han characters among Big5's 5,401 frequent ones (A440–C67E)."""

    def frequent(ch: str) -> bool:
        try:
            return b"\xa4\x40" <= ch.encode("big5") <= b"\xc6\x7e"
        except UnicodeEncodeError:
            return False

    return _share(text, frequent)


def read_source(path: Path) -> tuple[list[str], str, list[str]]:
    """(lines, fallback title, notes) of a text or HTML file."""
    size = path.stat().st_size
    if size > MAX_SOURCE_BYTES:
        raise UsageError(f"{path} 有 {size // 1024 // 1024} MB，不像是一篇文章（导入上限 {MAX_SOURCE_BYTES // 1024 // 1024} MB），没有导入")
    data = path.read_bytes()
    html = path.suffix.lower() in (".html", ".htm") or re.match(rb"\s*<(?:!doctype|html|head|body|div|p|meta)\b", data[:512], re.I) is not None
    text, notes = decode_source(data, html)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", "  ").replace("\xa0", " ")
    if html:
        parser = _Text()
        parser.feed(text)
        parser.close()
        return parser.lines, parser.h1, notes
    return text.split("\n"), "", notes


def parse_article(lines: list[str], fallback_title: str = "", cfg: CheckConfig | None = None) -> Imported:
    cfg = cfg or CheckConfig()
    result = Imported()
    lines = [" ".join(line.split()) for line in lines]
    meta_at = next((i for i, line in enumerate(lines) if _META.search(line)), None)
    if meta_at is not None:
        m = _META.search(lines[meta_at])
        result.date = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if m.group(4):
            result.date += f" {int(m.group(4)):02d}:{m.group(5)}"
        source = _SOURCE.search(lines[meta_at])
        for follow in range(meta_at + 1, min(meta_at + 3, len(lines))):
            # Some pages put 来源 on a line of its own just below the date.
            if source is None and _SOURCE.match(lines[follow]):
                source = _SOURCE.match(lines[follow])
                lines[follow] = ""
        result.source = source.group(1) if source else ""
        title_at = next((i for i in range(meta_at - 1, -1, -1) if lines[i] and not _is_junk(lines[i], cfg)), None)
        result.title = lines[title_at] if title_at is not None else fallback_title
        for line in lines[: title_at or 0]:
            if line:
                result.drop(_why(line, cfg))
        body = lines[meta_at + 1 :]
    else:
        body = [line for line in lines]
        result.title = fallback_title or next((line for line in body if line and not _is_junk(line, cfg)), "")
        if result.title in body:
            body = body[body.index(result.title) + 1 :]

    ended = False
    for line in body:
        if not line:
            continue
        if ended:
            result.drop(_why(line, cfg))
            continue
        editor = _EDITOR.match(line)
        if editor:
            result.editor = editor.group(1).replace(" ", "")
            ended = True  # everything after 责任编辑 is the page around the article
            continue
        reporter = _REPORTER.search(line)
        if reporter and len(line) <= 40:
            result.authors += [n for n in re.split(r"[\s、，,]+", reporter.group(1)) if n]
            continue
        if _is_junk(line, cfg):
            result.drop(_why(line, cfg))
            if "更多" in line:
                ended = True
            continue
        if not result.paragraphs and not result.authors:
            # "本报讯（记者 王芳）近日……": the credit opens the first paragraph.
            credit = _INLINE_REPORTER.search(line[:30])
            if credit:
                result.authors += [n for n in re.split(r"[\s、，,]+", credit.group(1)) if n]
        result.paragraphs.append(_clean(line, result))
    return result


def _is_junk(line: str, cfg: CheckConfig) -> bool:
    return bool(_JUNK.search(line) or _HEADLINE_ITEM.match(line) or _IMAGE_NAME.match(line) or spam_keyword(line, cfg))


def _why(line: str, cfg: CheckConfig) -> str:
    if spam_keyword(line, cfg):
        return "疑似垃圾推广"
    if _IMAGE_NAME.match(line):
        return "图片文件名"
    if _HEADLINE_ITEM.match(line):
        return "相关新闻标题"
    return "导航和页面文字"


# What Markdown (or the HTML inside it) would read as markup in text that
# was text on the page: `&lt;script&gt;` or a visible "[点我](javascript:…)"
# must stay words, not become a tag or a link the build then strips.
_MARKUP_CHARS = re.compile(r"[\\`*_\[\]<>&]")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])")


def escape_markup(line: str) -> str:
    line = _MARKUP_CHARS.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()), line)
    return _LINE_START.sub(lambda m: m.group(1) + ("\\" + m.group(2) if len(m.group(2)) == 1 else m.group(2)[:-1] + "\\" + m.group(2)[-1]), line)


def _clean(line: str, result: Imported) -> str:
    line = escape_markup(STRAY_MARKUP.sub("", line))
    garbles = find_garbles(line)
    # Marks go in from the end so earlier columns stay valid.
    for g in reversed(garbles):
        result.garbled += 1
        hint = f"可能原文：{g.repair}" if g.repair else "请对照原稿重新复制"
        line = line[: g.start] + f"<!-- 乱码？{hint} -->" + line[g.start :]
    line = _HALF_AFTER_CJK.sub(lambda m: _HALF[m.group(1)], line)
    if len(line) <= 24 and not _SENTENCE_END.search(line) and "，" not in line and not garbles:
        return "## " + line  # a short line without punctuation is a subheading
    return line


def import_file(project, source: Path) -> tuple[Path, Imported]:
    config, problems = load_config(project.root / "site.yaml", project.root)
    if config is None:
        raise BuildFailed(problems)
    if not source.is_file():
        raise UsageError(f"找不到要导入的文件 {source}")
    lines, fallback, notes = read_source(source)
    article = parse_article(lines, fallback)
    article.notes += notes
    if not article.title:
        raise UsageError(f"{source} 中找不到标题：请确认这是一篇文章的文字或网页")
    now = datetime.now(config.tz)
    date = article.date or now.strftime("%Y-%m-%d %H:%M")
    meta = {
        "title": article.title,
        "date": date,
        "summary": "",
        "tags": [],
        "category": "",
        "source": article.source,
        "author": article.authors[0] if len(article.authors) == 1 else article.authors,
        "editor": article.editor,
        "draft": True,
    }
    body = "\n\n".join(article.paragraphs) + "\n"
    text = frontmatter.dumps(frontmatter.Post(body, **meta), sort_keys=False)
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        # build and check refuse a file over the limit; say so now, not after the editor's work.
        raise UsageError(
            f"导入后的文章有 {size / 1024 / 1024:.0f} MB，超过了每个文件 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限（fengchao build 会拒绝它），没有写入。请只导入文章本身，或拆成几篇"
        )
    path = project.content / "news" / date[:4] / f"{short_slug(article.title)}.md"
    if path.exists():
        raise UsageError(f"{path} 已存在，没有覆盖。请先改名或删除它，再导入")
    article.same = already_there(project, config, path, article.title)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text.rstrip("\n") + "\n")
    return path, article


def already_there(project, config, path: Path, title: str) -> list[Problem]:
    """Warnings if the site already has this story (same title): the draft is
    still written, and the editor is told which file to compare it with."""
    from fengchao.content.load import load_content
    from fengchao.content.stories import Story, same_story
    from fengchao.content.validate import validate

    content, _ = load_content(project.content, project.root)
    records, _ = validate(content, config)
    stories = [
        Story(display_path(project.content / a.source_rel, project.root), a.title, _title_line(project.content / a.source_rel))
        for a in records.articles
    ]
    new = Story("\uffff", title, 2)  # sorts after every file: the new one is the repeat
    shown = display_path(path, project.root)
    return [Problem(shown, p.line, p.message, p.severity) for p in same_story([*stories, new]) if p.path == new.shown]


def _title_line(path: Path) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if line.startswith("title"):
            return number
    return 1
