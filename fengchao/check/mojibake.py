"""Finding (and where possible undoing) mojibake in Chinese text.

Pasted articles often went through a wrong encoding on the way: GBK bytes
read one byte out of step, or UTF-8 read as GBK. The result is still
"Chinese" — valid characters, just rare ones, with the odd kana or `?` in
between — so a spell checker won't see it but a reader will. We look for the
tell-tale signs and, where re-reading the run through GBK gives common text,
offer the repair.

"Common" means GB2312 level 1: the 3,755 hanzi of everyday modern Chinese,
taken from Python's own codec (bytes B0A1–D7F9), so no word list is shipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


def _gb2312_rows(first: int, last: int) -> frozenset[str]:
    chars = set()
    for row in range(first, last + 1):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # D7FA–D7FE are unassigned
    return frozenset(chars)


@lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """GB2312 level 1: 3,755 hanzi."""
    return _gb2312_rows(0xB0, 0xD7)


@lru_cache(maxsize=1)
def gb2312_hanzi() -> frozenset[str]:
    """GB2312 levels 1 and 2: 6,763 hanzi."""
    return common_hanzi() | _gb2312_rows(0xD8, 0xF7)


# Signals that mark a whole mis-decoded run (the rest mark themselves).
_WIDENED = ("私用区字符", "汉字中夹着日文假名", "连续出现现代汉语中罕见的字")
GARBAGE = ("锟斤拷", "烫烫烫", "屯屯屯", "\ufffd")
# Punctuation and digits that are normal in repaired text.
_PLAIN = set("，。、；：？！“”‘’（）《》—…·0123456789")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def is_private(ch: str) -> bool:
    return "\ue000" <= ch <= "\uf8ff" or ch >= "\U000f0000"


def _in_run(ch: str) -> bool:
    """Characters a mis-decoded run is made of: hanzi, kana, full-width forms,
    GBK symbols, and the ASCII letters a scraper folded from full width."""
    return (
        is_han(ch)
        or is_kana(ch)
        or ("\uff01" <= ch <= "\uff5e" and ch not in "，！？：；（）")
        or ch in "±×÷¤§¨°"
        or is_private(ch)
        or (ch.isascii() and (ch.isalpha() or ch == "!"))
    )


@dataclass(frozen=True)
class Garble:
    start: int  # column (0-based) in the line
    end: int
    reason: str
    repair: str | None = None


# Sliding window for "many rare characters close together".
WINDOW = 8
RARE_IN_WINDOW = 3


def _ranges(chars: list[str]) -> str:
    """A regex character class body for a sorted list of characters."""
    out, start, prev = [], None, None
    for ch in chars:
        if start is not None and ord(ch) == ord(prev) + 1:
            prev = ch
            continue
        if start is not None:
            out.append(start if start == prev else f"{start}-{prev}")
        start = prev = ch
    if start is not None:
        out.append(start if start == prev else f"{start}-{prev}")
    return "".join(out)


_PRIVATE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
_KANA = re.compile("[\u3040-\u30fa\u30fd-\u30ff]")  # not ・ or ー, which Chinese text borrows


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """(any suspicious character at all, one rare hanzi): compiled once, so
    a clean line costs one regex scan rather than a Python loop."""
    common = common_hanzi()
    rare = [chr(c) for r in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF)) for c in range(r[0], r[1] + 1) if chr(c) not in common]
    rare_class = "[" + _ranges(rare) + "]"
    suspect = "[\ue000-\uf8ff\u3040-\u30ff\ufffd]|锟斤拷|烫烫烫|屯屯屯|" + rare_class
    return re.compile(suspect), re.compile(rare_class)


def may_hold_garbles(text: str) -> bool:
    """False when no line of `text` can hold a garble: the one scan a clean
    document costs (every signal needs a character this pattern finds)."""
    return _patterns()[0].search(text) is not None


def _signals(line: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    suspect, rare_han = _patterns()
    if not suspect.search(line):
        return spans
    for token in GARBAGE:
        for m in re.finditer(re.escape(token), line) if token in line else ():
            spans.append((m.start(), m.end(), "替换字符 U+FFFD" if token == "\ufffd" else f"“{token}”"))
    for m in _PRIVATE.finditer(line):
        spans.append((m.start(), m.end(), "私用区字符"))
    for m in _KANA.finditer(line):
        # Kana between hanzi: Japanese text keeps kana in clusters and
        # uses its own punctuation; mis-decoded GBK scatters single ones.
        i = m.start()
        left = line[i - 1] if i else ""
        right = line[i + 1] if i + 1 < len(line) else ""
        if (is_han(left) or left.isalpha()) and (is_han(right) or right.isalpha()) and not (is_kana(left) or is_kana(right)):
            spans.append((i, i + 1, "汉字中夹着日文假名"))
    rare = [m.start() for m in rare_han.finditer(line)]
    for k in range(len(rare) - RARE_IN_WINDOW + 1):
        # Distinct characters: a site's own uncommon word ("驿站" — 驿 is
        # level 2) repeats; mis-decoding scatters different ones.
        if rare[k + RARE_IN_WINDOW - 1] - rare[k] < WINDOW and len({line[i] for i in rare[k : k + RARE_IN_WINDOW]}) == RARE_IN_WINDOW:
            spans.append((rare[k], rare[k + RARE_IN_WINDOW - 1] + 1, "连续出现现代汉语中罕见的字"))
    return spans


def find_garbles(line: str) -> list[Garble]:
    """Every suspicious run in one line, merged, each with a repair if one reads well."""
    spans = sorted(_signals(line))
    merged: list[list] = []
    for start, end, reason in spans:
        if reason in _WIDENED:
            start, end = _widen(line, start, end)
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            if reason not in merged[-1][2]:
                merged[-1][2].append(reason)
        else:
            merged.append([start, end, [reason]])
    garbles = []
    for start, end, reasons in merged:
        lost = start > 0 and line[start - 1] == "?"
        repair = suggest_repair(line[start:end], lost_before=lost)
        garbles.append(Garble(start - 1 if lost else start, end, "、".join(reasons), repair))
    return garbles


def _widen(line: str, start: int, end: int) -> tuple[int, int]:
    """The whole mis-decoded run: mis-decoding swallows the punctuation
    inside it, so the run reaches to the nearest surviving break."""
    while start > 0 and _in_run(line[start - 1]):
        start -= 1
    while end < len(line) and _in_run(line[end]):
        end += 1
    return start, end


def score(text: str) -> float:
    """Share of characters that are everyday Chinese (or plain punctuation)."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return 0.0
    good = sum(1 for ch in chars if ch in common_hanzi() or ch in _PLAIN)
    return good / len(chars)


def _to_gbk(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        if "!" <= ch <= "~" and ch != "?":
            # Scrapers fold full-width letters and ！ to ASCII; the bytes were
            # full width. (A "?" is a byte the first mis-decoding lost.)
            ch = chr(ord(ch) + 0xFEE0)
        if ch == "€":
            out += b"\x80"  # Windows' code page 936, the usual culprit
            continue
        try:
            # GBK first; GB18030 for GBK's user-defined rows, which the
            # mis-decoding turned into private-use characters.
            out += ch.encode("gbk")
        except UnicodeEncodeError:
            try:
                out += ch.encode("gb18030")
            except UnicodeEncodeError:
                out += b"?"
    return bytes(out)


def _readable(text: str) -> str:
    """Mark what the repair could not recover (bytes lost in the first
    mis-decoding) with □ rather than showing a confident wrong character."""
    return "".join(ch if ch in gb2312_hanzi() or ch in _PLAIN else "□" for ch in text).strip("□")


def _gbk_shifted(run: str, lost_before: bool) -> list[str]:
    """GBK read one byte out of step: re-read it in step."""
    data = _to_gbk(run)
    found = [data[1:].decode("gb18030", errors="replace")]
    if lost_before:
        found.insert(0, (b"\xa1" + data).decode("gb18030", errors="replace"))  # preferred on a tie
    return [c.replace("\ufffd", "") for c in found]


def _utf8_piece(data: bytes) -> str | None:
    """The piece as UTF-8, allowing only a damaged sequence at either end
    (bytes lost next to it). UTF-8's structure makes this a strong test:
    random GBK text almost never passes."""
    text = data.decode("utf-8", errors="replace")
    inner = text.strip("\ufffd")
    damaged = len(text) - len(inner)  # at most one cut sequence per end
    return inner if "\ufffd" not in inner and damaged <= 2 else None


def _utf8_as_gbk(run: str) -> str | None:
    """UTF-8 read as GBK: pieces between lost bytes (� or ?) re-read as UTF-8."""
    pieces = []
    for part in re.split("[\ufffd?]", run):
        if not part:
            continue
        text = _utf8_piece(_to_gbk(part))
        if text is None:
            return None
        pieces.append(text)
    return "□".join(pieces) if pieces else None


def _acceptable(candidate: str, run: str, per_uncommon: int = 15) -> bool:
    # Shifting random text also lands mostly on common characters (level 1
    # fills 40 of GBK's 94 rows), so a shifted repair must be all but
    # entirely common: about one uncommon hanzi in 15 is what real Chinese
    # has. A strict UTF-8 decode is itself strong evidence, so it may keep
    # more (this site's own 驿 is level 2).
    han = [ch for ch in candidate if is_han(ch)]
    uncommon = sum(1 for ch in han if ch not in common_hanzi())
    return len(han) >= 2 and uncommon <= len(han) // per_uncommon and score(candidate) > score(run) + 0.2


def suggest_repair(run: str, lost_before: bool = False) -> str | None:
    """The run re-read through GBK one byte out of step, or as the UTF-8 it
    was, if that reads clearly better than what is there.

    `lost_before`: the run follows a "?", i.e. a lead byte the first
    mis-decoding could not place; it is most often A1 (the row of 。、“”).
    UTF-8 mojibake often follows real text with nothing in between, so that
    reading is also tried from later starts (a strict decode is cheap to
    trust); the candidate recovering the most hanzi wins.
    """
    candidates = [(c, c) for c in _gbk_shifted(run, lost_before) if _acceptable(c, run)]
    for cut in range(0, min(len(run) - 1, 12)):
        text = _utf8_as_gbk(run[cut:])
        if text is not None and _acceptable(text.replace("□", ""), run[cut:], per_uncommon=4):
            candidates.append((text, run[:cut] + text))
    if not candidates:
        return None
    # Most hanzi recovered by the repair itself (a kept head does not count).
    best = max(candidates, key=lambda c: sum(1 for ch in c[0] if is_han(ch)))
    return _readable(best[1])
