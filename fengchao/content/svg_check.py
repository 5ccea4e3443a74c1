"""Is an SVG under content/ inert? Published only if it is.

An SVG opened on its own (its URL, not an <img>) is a document that runs
scripts in the site's origin, and the site's CSP allows same-origin script
files. Sanitising it would mean rewriting the XML; instead an SVG is
published as written only if it holds nothing active — no script, no event
handler, no foreignObject (HTML inside), no animation that could set an
attribute, no reference to anything outside itself, no DTD (entity
expansion) — and otherwise refused with the line of the first such thing.
Illustrations and charts exported by drawing programs pass.
"""

from __future__ import annotations

import re
import xml.parsers.expat

ACTIVE_ELEMENTS = {
    "script",
    "foreignobject",
    "iframe",
    "object",
    "embed",
    "handler",
    "listener",
    "animate",
    "set",
    "animatemotion",
    "animatetransform",
    "animatecolor",
    "discard",
}
_OUTSIDE_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.I)


def svg_problem(data: bytes) -> tuple[int, str] | None:
    """(line, what is active) for the first active thing in the SVG, or None."""
    found: list[tuple[int, str]] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def refuse(what: str) -> None:
        if not found:
            found.append((parser.CurrentLineNumber, what))

    def start(name: str, attrs: dict) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local.lower() in ACTIVE_ELEMENTS:
            refuse(f"<{local}>")
        for key, value in attrs.items():
            attr = key.rsplit(" ", 1)[-1].lower()
            if attr.startswith("on"):
                refuse(f"{attr}=")
            elif attr == "href" and not value.strip().startswith("#"):
                refuse(f"href={value[:40]!r}")
            elif _OUTSIDE_URL.search(value):
                refuse(f"{attr}=url(…)")

    def text(data: str) -> None:
        if _OUTSIDE_URL.search(data) or "@import" in data:
            refuse("样式中引用了外部文件")

    def doctype(*_args) -> None:
        refuse("<!DOCTYPE>")

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = lambda *args: refuse("<!ENTITY>")
    parser.ProcessingInstructionHandler = lambda target, _data: refuse(f"<?{target}?>")
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return found[0] if found else (exc.lineno, f"不是有效的 XML（{xml.parsers.expat.ErrorString(exc.code)}）")
    return found[0] if found else None
