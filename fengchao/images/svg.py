"""What an SVG says about its size, read without parsing it as XML.

SVGs are published byte for byte and shown only through `<img>`, where a
browser runs none of their scripts. Whether one may be published at all is
decided when content/ is loaded (content/svg_check.py: anything active, such
as a script, an event handler or a link, and the file is refused at its
line, so a reader opening its URL cannot run anything either); an SVG
reaches this room only after that. Here only the size it declares is read,
for the `<img>`'s width and height. Nothing here builds an XML tree.
"""

from __future__ import annotations

import re

from fengchao.images.results import ImageFailure, SvgInfo

ROOT = re.compile(rb"<svg\b([^>]{0,4000})>", re.IGNORECASE)
ATTRIBUTE = r'(?<![\w:-]){}\s*=\s*["\']\s*([^"\']*)["\']'
NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")


def inspect_svg(data: bytes) -> SvgInfo | ImageFailure:
    root = ROOT.search(data[:65536])
    if root is None:
        return ImageFailure("不是 SVG 文件（开头找不到 <svg> 标签）；请确认文件没有损坏、扩展名没有改错")
    attributes = root.group(1).decode("utf-8", "replace")
    width, height = _number(attributes, "width"), _number(attributes, "height")
    box = re.search(ATTRIBUTE.format("viewBox"), attributes)
    if (not width or not height) and box:
        parts = box.group(1).replace(",", " ").split()
        if len(parts) == 4 and all(NUMBER.match(p) for p in parts[2:]):
            width, height = round(float(parts[2])), round(float(parts[3]))
    return SvgInfo(width, height)


def _number(attributes: str, name: str) -> int:
    found = re.search(ATTRIBUTE.format(name), attributes)
    match = NUMBER.match(found.group(1)) if found else None
    return round(float(match.group(1))) if match else 0
