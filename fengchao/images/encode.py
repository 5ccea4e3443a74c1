"""Encoding the published files from a decoded image.

Every encoder is called with explicit options and an image whose `info` is
empty, so the bytes depend only on the pixels and these settings: the same
source makes the same files in any process, on any run (CI compares builds).
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from fengchao.images.results import Rendition
from fengchao.images.settings import ImageSettings

# Lanczos after a box reduction to within 3x of the target: indistinguishable
# from Lanczos all the way (Pillow's measurements) and several times faster
# on a 12-megapixel photo.
RESAMPLE = Image.Resampling.LANCZOS
REDUCING_GAP = 3.0
# Qualities tried in turn until the share image fits its byte budget.
SHARE_QUALITIES = (82, 76, 70, 62, 54, 46, 38)


def target_widths(source_width: int, widths: tuple[int, ...]) -> tuple[int, ...]:
    """The widths to make: each configured width narrower than the source,
    and the source's own width when it is narrower than the largest one.
    Never wider than the source (an upscaled photo is only a bigger file)."""
    largest = max(widths)
    made = sorted({w for w in widths if w < source_width} | {min(source_width, largest)})
    return tuple(made)


def resized(image: Image.Image, width: int, source_width: int, source_height: int) -> Image.Image:
    # The height from the source's own ratio, not the (maybe reduced) decoded
    # image's, so every rendition agrees with the width/height in the page.
    height = max(1, round(width * source_height / source_width))
    if image.size == (width, height):
        return image
    return image.resize((width, height), RESAMPLE, reducing_gap=REDUCING_GAP)


def encode(image: Image.Image, fmt: str, settings: ImageSettings, lossless: bool = False) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        if lossless:
            image.save(out, "WEBP", lossless=True, quality=100, method=settings.webp_method)
        else:
            image.save(out, "WEBP", quality=settings.webp_quality, method=settings.webp_method)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=settings.jpeg_quality, optimize=True, progressive=True, subsampling="4:2:0")
    elif fmt == "png":
        image.save(out, "PNG", optimize=True)
    else:
        raise ValueError(f"unknown format {fmt}")
    return out.getvalue()


def on_white(image: Image.Image) -> Image.Image:
    """A see-through image flattened for a format without transparency."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, (255, 255, 255))
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def choose_formats(image: Image.Image, source_format: str, settings: ImageSettings) -> tuple[str, bool, str]:
    """(modern format, lossless?, fallback format) for an image, decided once
    at its largest width. Camera formats are photos: lossy. Anything else
    (screenshots, drawings, maps) is tried both ways and kept lossless when
    that is smaller; a see-through image falls back to PNG (JPEG has no alpha)."""
    if source_format in ("JPEG", "MPO", "HEIF"):
        return "webp", False, "jpeg"
    lossy_webp = len(encode(image, "webp", settings))
    lossless_webp = len(encode(image, "webp", settings, lossless=True))
    lossless = lossless_webp <= lossy_webp
    if image.mode == "RGBA":
        return "webp", lossless, "png"
    if not lossless:
        return "webp", False, "jpeg"
    png = len(encode(image, "png", settings))
    jpeg = len(encode(image, "jpeg", settings))
    return "webp", True, "png" if png <= jpeg else "jpeg"


def full_renditions(
    image: Image.Image, source_format: str, size: tuple[int, int], settings: ImageSettings
) -> tuple[tuple[Rendition, ...], str, Image.Image]:
    """The page renditions (by width; WebP before its fallback), the kind
    ("photo" or "graphic") and the largest rendition's pixels (the share
    image and thumbnail are cut from it: less to resample than the source)."""
    source_width, source_height = size
    widths = target_widths(source_width, settings.widths)
    largest = resized(image, widths[-1], source_width, source_height)
    modern, lossless, fallback = choose_formats(largest, source_format, settings)
    made = []
    # Each smaller width from the next larger one, not from the source: a
    # 1200 -> 800 resample reads a third of the pixels a 2016 -> 800 one does.
    picture = largest
    for width in reversed(widths):
        picture = resized(picture, width, source_width, source_height)
        flat = picture if fallback == "png" else on_white(picture)
        made.append(Rendition("full", picture.width, picture.height, fallback, encode(flat, fallback, settings, lossless=lossless)))
        made.append(Rendition("full", picture.width, picture.height, modern, encode(picture, modern, settings, lossless=lossless)))
    return tuple(reversed(made)), "graphic" if lossless else "photo", largest


def thumbnails(image: Image.Image, settings: ImageSettings) -> tuple[Rendition, ...]:
    """The small picture on a news card: cropped to the card's box from the
    middle (never enlarged: a smaller source makes a smaller box)."""
    box = _fitted(image.size, settings.thumb_size)
    thumb = ImageOps.fit(on_white(image), box, RESAMPLE, centering=(0.5, 0.5))
    return (
        Rendition("thumb", box[0], box[1], "webp", encode(thumb, "webp", settings)),
        Rendition("thumb", box[0], box[1], "jpeg", encode(thumb, "jpeg", settings)),
    )


def share_image(image: Image.Image, settings: ImageSettings) -> Rendition:
    """og:image: the middle of the picture at 1200×630 (smaller only when the
    source is), JPEG at the best quality that stays under the byte budget."""
    box = _fitted(image.size, settings.share_size)
    share = ImageOps.fit(on_white(image), box, RESAMPLE, centering=(0.5, 0.5))
    data = b""
    for quality in SHARE_QUALITIES:
        out = io.BytesIO()
        share.save(out, "JPEG", quality=quality, optimize=True, progressive=False, subsampling="4:2:0")
        data = out.getvalue()
        if len(data) <= settings.share_max_bytes:
            break
    return Rendition("share", box[0], box[1], "jpeg", data)


def _fitted(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`box`, scaled down (keeping its ratio) until the image covers it."""
    scale = min(1.0, size[0] / box[0], size[1] / box[1])
    return max(1, round(box[0] * scale)), max(1, round(box[1] * scale))
