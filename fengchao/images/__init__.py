"""Images: the photos and drawings content references, made cheap for riders.

A room of pure functions below the site stage (like `content`): given a
source file's bytes and the `ImageSettings`, `process_image` returns either a
`Processed` image (every published rendition as bytes, nothing of the
source's metadata) or an `ImageFailure` with a message for the editor. The
pipeline decides where the files go and caches them by `Processed.key`; this
room writes nothing and keeps no state, so its results can be made in the
worker pool and are the same bytes in every process and on every run.

- `settings.py`: widths, qualities, limits, and the digest that keys the cache
- `decode.py`: reading and checking a source, orientation, colour to 8-bit sRGB
- `encode.py`: resized WebP/JPEG/PNG renditions, the share image, the thumbnail
- `process.py`: the two together; `results.py` holds the data they return
- `html.py`: `<picture>`/`<figure>` markup for a processed image or an SVG
- `svg.py`: the size an SVG declares; SVGs are never re-encoded (nor
  published with anything active in them: content/svg_check.py refuses those)
"""

from fengchao.images.html import figure_html, picture_html, svg_html
from fengchao.images.process import process_image
from fengchao.images.results import ImageFailure, Processed, Rendition, SvgInfo
from fengchao.images.settings import ImageSettings
from fengchao.images.svg import inspect_svg

__all__ = [
    "ImageFailure",
    "ImageSettings",
    "Processed",
    "Rendition",
    "SvgInfo",
    "figure_html",
    "inspect_svg",
    "picture_html",
    "process_image",
    "svg_html",
]
