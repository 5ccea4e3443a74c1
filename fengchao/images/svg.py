"""What an SVG says about itself, read without parsing it as XML.

SVGs are published byte for byte and shown only through `<img>`, where a
browser runs none of their scripts. Opened on its own (a reader following the
file's URL), an SVG is a document of the site's origin and its scripts would
run there, so `inspect_svg` names any scripting it finds and the pipeline
refuses the file. Nothing here builds an XML tree: a hostile file (entity
expansion, external entities) has nothing to expand into.
"""

from __future__ import annotations

import re

from fengchao.images.results import ImageFailure, SvgInfo

ROOT = re.compile(rb"<svg\b([^>]{0,4000})>", re.IGNORECASE)
ATTRIBUTE = r'(?<![\w:-]){}\s*=\s*["\']\s*([^"\']*)["\']'
NUMBER = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*$")
ACTIVE = (
    (re.compile(rb"<script\b", re.IGNORECASE), "<script> 脚本"),
    (re.compile(rb"\son[a-z]+\s*=", re.IGNORECASE), "onload/onclick 等事件属性"),
    (re.compile(rb"javascript\s*:", re.IGNORECASE), "javascript: 链接"),
    (re.compile(rb"<foreignObject\b", re.IGNORECASE), "<foreignObject>（内嵌网页内容）"),
    (re.compile(rb"<!ENTITY\b", re.IGNORECASE), "<!ENTITY> 实体定义"),
)


def inspect_svg(data: bytes) -> SvgInfo | ImageFailure:
    if not data.strip():
        return ImageFailure("SVG 文件是空的；请重新导出")
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
    active = tuple(name for pattern, name in ACTIVE if pattern.search(data))
    return SvgInfo(width, height, active)


def _number(attributes: str, name: str) -> int:
    found = re.search(ATTRIBUTE.format(name), attributes)
    match = NUMBER.match(found.group(1)) if found else None
    return round(float(match.group(1))) if match else 0
