"""Reading built pages the way a browser does (stdlib html.parser only)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Anchor:
    href: str
    text: str
    rel: str | None = None


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""


class Page(HTMLParser):
    """Ids, anchors with their text, elements with their text, visible text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.anchors: list[Anchor] = []
        self.elements: list[Element] = []
        self._open: list[Element] = []
        self._text: list[str] = []
        self._skip = 0
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag in ("script", "style", "head"):
            self._skip += 1
        if tag not in VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i].tag == tag:
                closed = self._open[i]
                del self._open[i:]
                if tag == "a" and "href" in closed.attrs:
                    self.anchors.append(Anchor(closed.attrs["href"], " ".join(closed.text.split()), closed.attrs.get("rel")))
                return

    def handle_data(self, data):
        for element in self._open:
            element.text += data
        if not self._skip:
            self._text.append(data)

    @property
    def text(self) -> str:
        """Visible text with whitespace collapsed."""
        return " ".join("".join(self._text).split())

    def find_all(self, tag: str, **attrs) -> list[Element]:
        """Elements with `tag` whose attributes contain the given values
        (class_="x" matches a class list containing x)."""
        out = []
        for el in self.elements:
            if el.tag != tag:
                continue
            ok = True
            for key, value in attrs.items():
                key = key.rstrip("_").replace("_", "-")
                if key == "class":
                    ok = ok and value in (el.attrs.get("class") or "").split()
                else:
                    ok = ok and el.attrs.get(key) == value
            if ok:
                out.append(el)
        return out

    def hrefs(self) -> list[str]:
        return [a.href for a in self.anchors]


def page(site, rel: str) -> Page:
    return Page(site.read(rel))
