"""Chinese-aware text: slugs, heading anchors, summaries and reading time.

Word-based generators count a paragraph of Chinese as one "word" (Pelican
#2863, Hugo #5443); here every CJK character counts, and Latin words count as
words.
"""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’.-][A-Za-z0-9]+)*")
_TAGS = re.compile(r"<[^>]+>")
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|td|th|caption|"
    r"figure|figcaption|section|article|aside|header|footer|nav|details|summary|hr|br|img)\b[^>]*>",
    re.I,
)
# Characters XML 1.0 forbids (C0 controls but tab/newline/return, and U+FFFE/U+FFFF);
# text pasted from Word carries \x0b (manual line break) and the like.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SENTENCE_END = "。！？!?；;…"

# Characters no published text needs, whether typed, pasted or escaped in
# YAML ("\x1b", "\u202e"): C0/C1 controls but tab and newline, lone
# surrogates (an escape YAML allows, UTF-8 cannot encode), and the bidi
# embeddings, overrides and isolates that make text display in another order
# than it reads ("Trojan Source"); the marks U+200E/U+200F stay allowed.
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
# Invisible characters that make equal-looking words differ (a zero-width
# space inside a tag, a soft hyphen, a word joiner, a stray BOM); ZWJ (U+200D)
# is kept, emoji sequences need it.
INVISIBLE_CHARS = re.compile("[\u00ad\u180e\u200b\u200c\u2060-\u2064\ufeff]")


def describe_char(ch: str) -> str:
    """How a message names a character an editor cannot see: `U+202E（从右向左覆盖）`."""
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        kind = "单独的代理项，不是有效字符"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "改变文字显示方向的控制符，可能让文字看起来与实际内容不同"
    elif INVISIBLE_CHARS.match(ch):
        kind = "看不见的字符"
    else:
        kind = "控制字符"
    return f"U+{code:04X}（{kind}）"


def without_invisible(text: str) -> str:
    """NFC and no invisible characters: what two names are compared (and slugged) by."""
    return INVISIBLE_CHARS.sub("", unicodedata.normalize("NFC", text))


# Reading speed of Chinese text on a phone, characters per minute; a common
# figure for adult readers of plain prose is 300–500.
CJK_PER_MINUTE = 400
WORDS_PER_MINUTE = 200


@functools.lru_cache(maxsize=8192)
def pinyin_slug(text: str) -> str:
    """快递小哥 → kuai-di-xiao-ge; Latin letters and digits are kept.

    Memoized: a pure function of its text, asked for the same few district
    and tag names thousands of times a build (and again on every preview
    rebuild), while pypinyin takes ~50 µs a call."""
    # Imported here: loading its dictionary takes ~0.2 s, which a build that
    # finds nothing changed (and so makes no slugs) should not pay.
    from pypinyin import Style, lazy_pinyin

    parts = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: [chars])
    slug = "-".join(p for p in parts if p.strip())
    slug = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return slug or "x"


MAX_SLUG = 60  # characters: a file name or URL an editor can still read


def short_slug(text: str, limit: int = MAX_SLUG) -> str:
    """`pinyin_slug`, at most `limit` characters, cut between words.

    城市小蜜蜂冬天骑手有地方取暖了 ends `…-dong-tian-qi-shou` (骑手, "rider",
    kept whole), never `…-dong-tian-qi`. Words come from jieba's dictionary,
    imported only when a slug is too long (its first import takes ~1 s)."""
    slug = pinyin_slug(text)
    if len(slug) <= limit:
        return slug
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" chatter is not for editors
    kept = ""
    for word in jieba.cut(text, HMM=False):
        part = pinyin_slug(word) if word.strip() and re.search(r"\w", word) else ""
        if not part:
            continue
        longer = f"{kept}-{part}" if kept else part
        if len(longer) > limit:
            break
        kept = longer
    # A first word longer than the limit on its own: cut between syllables.
    return kept or slug[:limit].rsplit("-", 1)[0]


def full_width_comma(key: str, item: str) -> str:
    """`tags: [庆小驿，外卖骑手]` is one tag: YAML separates list items only with ","."""
    mark = "，" if "，" in item else "、"
    parts = [p.strip() for p in item.replace("、", "，").split("，") if p.strip()]
    return f"{key} 中的 {item!r} 用了中文的“{mark}”，会被当成一项。列表的各项要用英文逗号分开：[{', '.join(parts)}]"


class SlugBook:
    """`pinyin_slug`, answered from the slugs an earlier build made.

    Importing pypinyin loads its phrase dictionary (~0.2 s), a fifth of a
    one-article edit rebuild that needs only slugs it has made before. The
    build cache keeps `used` (salted with pypinyin's version, like every
    store), so a new term is the only reason to import it."""

    def __init__(self, known: dict[str, str] | None = None):
        self.known = known or {}
        self.used: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        slug = self.used.get(text) or self.known.get(text) or pinyin_slug(text)
        self.used[text] = slug
        return slug


def heading_anchor(text: str, separator: str = "-") -> str:
    """A readable, stable anchor: Chinese kept, punctuation dropped.

    “暖蜂行动”暖“新”更暖心 → 暖蜂行动暖新更暖心 (not Python-Markdown's `_1`).
    """
    text = unicodedata.normalize("NFKC", html.unescape(_TAGS.sub("", text))).strip().lower()
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch.isspace() or ch in "-_":
            kept.append(separator)
        elif cat[0] in "LN":
            kept.append(ch)
    anchor = re.sub(f"{re.escape(separator)}+", separator, "".join(kept)).strip(separator)
    return anchor or "section"


def xml_safe(text: str) -> str:
    """`text` without the characters that make an XML document ill-formed."""
    return _XML_INVALID.sub("", text)


def plain_text(rendered_html: str) -> str:
    """Text of rendered HTML. Only block boundaries become spaces: inline tags
    vanish, so 当天有<strong>107名</strong>快递员 stays 当天有107名快递员."""
    text = _BLOCK_TAGS.sub(" ", rendered_html)
    text = _TAGS.sub("", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def summarise(plain: str, limit: int) -> str:
    """The start of a text, `limit` characters at most (an ellipsis included),
    cut at a sentence end.

    Every character counts as one (Chinese has no spaces to count words by).
    """
    plain = plain.strip()
    if len(plain) <= limit:
        return plain
    head = plain[:limit]
    cut = max(head.rfind(ch) for ch in _SENTENCE_END)
    if cut >= limit // 2:
        return head[: cut + 1]
    # The ellipsis counts too: the summary is at most `limit` characters.
    return head[: max(limit - 1, 0)].rstrip("，,、：: ") + "…"


def reading_minutes(plain: str) -> int:
    return text_stats(plain)[1]


def count_chars(plain: str) -> int:
    """Characters a reader reads: CJK characters plus Latin words."""
    return text_stats(plain)[0]


def text_stats(plain: str) -> tuple[int, int]:
    """(count_chars, reading_minutes) of a text, counted once."""
    # One substitution counts the CJK characters (no list of 1,000
    # one-letter strings per article, as findall made) and leaves the text
    # in which Latin words are counted.
    spaced, cjk = _CJK.subn(" ", plain)
    words = len(_LATIN_WORD.findall(spaced))
    return cjk + words, max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


def address_in(district: str, address: str) -> str:
    """The address as shown beside its district: 高新区 · 高新区顺丰网点内
    reads twice, so a leading district (after an optional city) is dropped."""
    rest = re.sub(r"^\S{2,4}市", "", address.strip()) if district and district in address else address.strip()
    if district and rest.startswith(district) and len(rest) > len(district):
        return rest[len(district) :].lstrip(" ，,、")
    return address.strip()
