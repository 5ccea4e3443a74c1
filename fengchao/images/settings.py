"""How images are processed: one frozen value, part of every cache key."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields

import PIL
import pillow_heif
from PIL import features

# Bump when a change here makes different bytes from the same settings, so a
# cached rendition from before can never be taken for a new one.
PROCESS_VERSION = 1


@dataclass(frozen=True)
class ImageSettings:
    # Widths of the renditions shown in pages, in pixels. The content column
    # is at most 44rem (704 CSS px); a phone at 375 px with 2 device pixels
    # per CSS pixel shows it 686 px wide. 720 is just enough for both (a
    # rider's phone and a desktop at DPR 1 take it): 800 cost each photo on a
    # phone a quarter more bytes for pixels nobody sees, and put an article
    # with three photos over its 250 KB budget (tests/browser/test_photo_article.py).
    # 1200 serves the column on 2x desktop screens; 480 the small phones.
    widths: tuple[int, ...] = (480, 720, 1200)
    # The `src` of the fallback <img> (browsers without srcset): the widest
    # rendition not wider than this.
    fallback_width: int = 720
    webp_quality: int = 72
    jpeg_quality: int = 78
    # libwebp's effort (0-6): 4 is its default; 6 saves a few % for twice the time.
    webp_method: int = 4
    # The picture on a news card (cropped to this box) and the share image
    # (og:image: 1200×630 is what WeChat, Facebook and others show best).
    thumb_size: tuple[int, int] = (192, 144)
    share_size: tuple[int, int] = (1200, 630)
    share_max_bytes: int = 300_000
    # A source over these is refused (an error, not a crash): bigger files are
    # not photos a phone takes, and decoding one would take hundreds of MB.
    # 64 megapixels admits a 48-megapixel phone photo.
    max_bytes: int = 40 * 1024 * 1024
    max_pixels: int = 64_000_000

    def digest(self) -> str:
        """Everything that decides the output bytes: these settings, the
        process version and the encoders' versions (an upgraded libwebp makes
        other bytes, so a cache made with the old one must not match)."""
        parts = [f"{f.name}={getattr(self, f.name)!r}" for f in fields(self)]
        parts += [
            f"v{PROCESS_VERSION}",
            f"pillow={PIL.__version__}",
            f"heif={pillow_heif.__version__}",
            f"jpeg={features.version('jpg')}",
            f"webp={features.version('webp')}",
            f"zlib={features.version('zlib')}",
            f"lcms={features.version('littlecms2')}",
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
