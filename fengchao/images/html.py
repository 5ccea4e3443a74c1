"""Markup for processed images: `<picture>` with srcset, `<figure>` with a caption.

Every value is escaped here (alt text and captions are the editor's, URLs
are made from file names); the callers pass plain strings. `width`/`height`
are always written so the browser reserves the space before the image
arrives (no layout shift). Only the first image of a page is fetched eagerly,
with `fetchpriority="high"` (it is usually the largest thing on the screen);
the rest wait until they are near the viewport.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from fengchao.images.results import Processed, Rendition, SvgInfo


def picture_html(
    image: Processed,
    url: Callable[[Rendition], str],
    alt: str,
    sizes: str,
    *,
    first: bool = False,
    thumb: bool = False,
    fallback_width: int = 720,
    class_name: str = "",
) -> str:
    """`<picture>`: a `<source>` per modern format, the fallback format on the
    `<img>`. `url(rendition)` is where a rendition is published; `sizes` is
    how wide the image is shown (the CSS that places it knows)."""
    if thumb:
        modern = [r for r in image.thumbs if r.format == "webp"]
        fallback = [r for r in image.thumbs if r.format != "webp"]
    else:
        formats = image.formats()
        modern = list(image.in_format(formats[0]))
        fallback = list(image.in_format(formats[-1]))
    sources = ""
    if modern and modern[0].format != fallback[0].format:
        sources = _source(modern, url, sizes, thumb)
    src = _fallback(fallback, fallback_width)
    attributes = [
        ("src", url(src)),
        ("alt", alt),
        ("width", str(image.width if not thumb else src.width)),
        ("height", str(image.height if not thumb else src.height)),
    ]
    if not thumb and len(fallback) > 1:
        attributes += [("srcset", _srcset(fallback, url)), ("sizes", sizes)]
    if class_name:
        attributes.append(("class", class_name))
    attributes += _loading(first)
    return f"<picture>{sources}<img {_attributes(attributes)}></picture>"


def figure_html(picture: str, caption: str, class_name: str = "") -> str:
    """A captioned image (a Markdown image with a title: `![alt](a.jpg "图为……")`).
    `picture` is markup made here; `caption` is plain text and is escaped."""
    opening = f'<figure class="{escape(class_name)}">' if class_name else "<figure>"
    return f"{opening}{picture}<figcaption>{escape(caption)}</figcaption></figure>"


def svg_html(src: str, alt: str, info: SvgInfo, *, first: bool = False, class_name: str = "") -> str:
    """An SVG, always as a file behind `<img>` (never inlined): a script in
    it cannot run in the page."""
    attributes = [("src", src), ("alt", alt)]
    if info.width and info.height:
        attributes += [("width", str(info.width)), ("height", str(info.height))]
    if class_name:
        attributes.append(("class", class_name))
    attributes += _loading(first)
    return f"<img {_attributes(attributes)}>"


def _source(renditions: list[Rendition], url: Callable[[Rendition], str], sizes: str, thumb: bool) -> str:
    attributes = [("type", renditions[0].mime)]
    if thumb or len(renditions) == 1:
        attributes.append(("srcset", _srcset_url(url(renditions[-1]))))
    else:
        attributes += [("srcset", _srcset(renditions, url)), ("sizes", sizes)]
    return f"<source {_attributes(attributes)}>"


def _fallback(renditions: list[Rendition], width: int) -> Rendition:
    fitting = [r for r in renditions if r.width <= width]
    return fitting[-1] if fitting else renditions[0]


def _srcset(renditions: list[Rendition], url: Callable[[Rendition], str]) -> str:
    return ", ".join(f"{_srcset_url(url(r))} {r.width}w" for r in renditions)


def _srcset_url(address: str) -> str:
    # A space or comma would split a srcset candidate: percent-encode them.
    return address.replace(" ", "%20").replace(",", "%2C")


def _loading(first: bool) -> list[tuple[str, str]]:
    return [("fetchpriority", "high")] if first else [("loading", "lazy"), ("decoding", "async")]


def _attributes(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f'{name}="{escape(value, quote=True)}"' for name, value in pairs)
