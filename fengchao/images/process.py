"""A source image in, every file to publish out (or why it cannot be)."""

from __future__ import annotations

import hashlib

from fengchao.images.decode import decode
from fengchao.images.encode import full_renditions, share_image, thumbnails
from fengchao.images.results import ImageFailure, Processed
from fengchao.images.settings import ImageSettings


def source_digest(data: bytes) -> bytes:
    """A source's identity: the digest of its bytes (reading and hashing 100
    camera photos is ~0.8 s, so the pipeline keeps it by the file's stat)."""
    return hashlib.sha256(data).digest()


def key_of(source: bytes, settings_digest: str) -> str:
    """What a processed image is cached and named by: its source's digest and
    everything that decides the output (ImageSettings.digest)."""
    return hashlib.sha256(source + settings_digest.encode()).hexdigest()


def image_key(data: bytes, settings_digest: str) -> str:
    return key_of(source_digest(data), settings_digest)


def process_image(data: bytes, settings: ImageSettings, settings_digest: str | None = None) -> Processed | ImageFailure:
    """Pure: the same bytes and settings give the same result, bytes for
    bytes. `settings_digest` may be passed in by a caller processing many
    images (it is the same for all of them)."""
    decoded = decode(data, settings)
    if isinstance(decoded, ImageFailure):
        return decoded
    size = (decoded.width, decoded.height)
    renditions, kind, largest = full_renditions(decoded.image, decoded.source_format, size, settings)
    # The share image and thumbnail are cut from the largest rendition (less
    # to resample) unless the widths stop short of the share image's width.
    wide = largest if largest.width >= min(settings.share_size[0], decoded.image.width) else decoded.image
    return Processed(
        key=image_key(data, settings_digest or settings.digest()),
        kind=kind,
        source_format=decoded.source_format,
        source_width=decoded.width,
        source_height=decoded.height,
        source_bytes=len(data),
        renditions=renditions,
        thumbs=thumbnails(largest, settings),
        share=share_image(wide, settings),
        notes=decoded.notes,
    )
