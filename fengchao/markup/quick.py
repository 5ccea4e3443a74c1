"""Python-Markdown, without work whose result cannot show in our output.

Three stages are replaced by subclasses that skip such work and otherwise run
Python-Markdown's own code.

**The inline stage.**
Python-Markdown tries each of its ~16 inline patterns (code, links, images,
emphasis, raw HTML, entities …) on every piece of text, one regular
expression search each, even when the text holds none of the characters a
pattern starts with. Chinese prose and table cells mostly hold none: on the
benchmark's articles that was ~40 % of all Markdown time (0.70 → 0.51 ms an
article with this class), the biggest single cost of a cold build.

Every built-in pattern needs a given character to match at all (a link
needs "[", emphasis "*" or "_" …), so a pattern is skipped when its
character is absent from the text, and a text with none of them is returned
as it is. The output is byte for byte Python-Markdown's: a pattern skipped
here would have found nothing (tests/test_markup_quick.py compares the two on
random and real Markdown). A pattern not listed in NEEDS (another
extension's, or a new one in a later Python-Markdown) is always tried, and
then no text is passed over whole.

**The table of contents.** For every document the `toc` extension also builds
a table-of-contents `<div>`, serialises it to `md.toc` (which fengchao never
reads: pages list headings from `md.toc_tokens`), and then looks for a
`[TOC]` marker paragraph to put it in, joining the text under every element
to compare it: ~10 % of the remaining Markdown time. When the marker occurs
nowhere in the document's text, no paragraph can equal it. Then the `<div>`
is left empty and the search is skipped; `md.toc_tokens` and the HTML are
unchanged.

**Attribute lists.** `attr_list` searches the text of every element for
`{: …}`; every one of its patterns needs a "{". A document whose text holds
none is passed over (~5 % of the Markdown time).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as etree

from markdown import util
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

# Per built-in inline pattern (Python-Markdown 3.5–3.11 names): substrings of
# which its regular expression cannot match without at least one.
NEEDS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "footnote": ("[^",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "not_strong": ("*", "_"),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
}
_ANY_NEEDED = re.compile(r"[`\\\[<&*_]|  \n")

# The private methods this class builds on (name-mangled in InlineProcessor).
_HANDLE, _APPLY = "_InlineProcessor__handleInline", "_InlineProcessor__applyPattern"


def supported() -> bool:
    """Does the installed Python-Markdown have the methods this class replaces?"""
    return hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY)


class QuickInlineProcessor(InlineProcessor):
    """Registered in place of Python-Markdown's "inline" tree processor."""

    def run(self, tree, ancestors=None):
        # The registry can change between documents (extensions may register
        # patterns on reset), so the table is made for each one.
        patterns = self.inlinePatterns
        needs: list[tuple[str, ...] | None] = [None] * len(patterns)
        for name, need in NEEDS.items():
            if name in patterns:
                needs[patterns.get_index_for_name(name)] = need
        self._needs = needs
        self._all_known = None not in needs
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # the mangled name it overrides
        if isinstance(data, util.AtomicString):
            return data
        if self._all_known and not _ANY_NEEDED.search(data):
            return data
        apply = getattr(self, _APPLY)
        patterns, needs = self.inlinePatterns, self._needs
        count = len(patterns)
        start = 0
        # Python-Markdown's loop, with the test before each pattern: a
        # pattern that matches is tried again on the new text (from where it
        # matched); one that does not is passed, and the search starts over.
        while patternIndex < count:
            need = needs[patternIndex]
            if need is not None and not any(n in data for n in need):
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


class QuickAttrListTreeprocessor(AttrListTreeprocessor):
    def run(self, doc: etree.Element) -> None:
        if "{" in "".join(doc.itertext()):
            super().run(doc)


class QuickTocTreeprocessor(TocTreeprocessor):
    _marked = True

    def run(self, doc: etree.Element) -> None:
        self._marked = bool(self.marker) and self.marker in "".join(doc.itertext())
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        return super().build_toc_div(toc_list) if self._marked else etree.Element("div")

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self._marked:
            super().replace_marker(root, elem)


class QuickTocExtension(TocExtension):
    """TocExtension with QuickTocTreeprocessor (Python-Markdown's own hook for it)."""

    TreeProcessorClass = QuickTocTreeprocessor


def install(converter) -> None:
    """Use the quick inline and attribute-list stages in `converter` (a
    markdown.Markdown made with "extra"), under Python-Markdown's own names
    and priorities (3.0 and later: "inline" 20, "attr_list" 8). The inline
    one only where the installed Python-Markdown has what it builds on."""
    if supported() and "inline" in converter.treeprocessors:
        converter.treeprocessors.register(QuickInlineProcessor(converter), "inline", 20)
    if "attr_list" in converter.treeprocessors:
        converter.treeprocessors.register(QuickAttrListTreeprocessor(converter), "attr_list", 8)
