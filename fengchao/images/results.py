"""The data the image room returns: frozen, picklable, bytes included."""

from __future__ import annotations

from dataclasses import dataclass, field

MIME = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"webp": "webp", "jpeg": "jpg", "png": "png"}


@dataclass(frozen=True)
class Rendition:
    """One published file: a size of the image in one format."""

    role: str  # "full" (shown in pages), "thumb" (news cards) or "share" (og:image)
    width: int
    height: int
    format: str  # "webp", "jpeg" or "png"
    data: bytes = field(repr=False)

    @property
    def mime(self) -> str:
        return MIME[self.format]

    @property
    def extension(self) -> str:
        return EXTENSION[self.format]


@dataclass(frozen=True)
class Processed:
    """A source image, processed: what to publish instead of it."""

    key: str  # hex digest of the source bytes and the settings' digest
    kind: str  # "photo" (lossy) or "graphic" (kept lossless: it was smaller)
    source_format: str  # as read: "JPEG", "PNG", "WEBP", "GIF", "HEIF", "MPO"
    source_width: int  # after orientation
    source_height: int
    source_bytes: int
    renditions: tuple[Rendition, ...]  # role "full": by width, the modern format first
    thumbs: tuple[Rendition, ...]  # role "thumb": WebP, then the fallback
    share: Rendition  # role "share": JPEG, at most share_max_bytes
    notes: tuple[str, ...] = ()  # for the editor, in Chinese (a GIF made still)

    @property
    def width(self) -> int:
        """The widest rendition's size: the width/height attributes (the
        aspect ratio the browser reserves before any byte arrives)."""
        return self.renditions[-1].width

    @property
    def height(self) -> int:
        return self.renditions[-1].height

    def formats(self) -> tuple[str, ...]:
        """The formats of the full renditions, the modern one first."""
        seen: list[str] = []
        for rendition in self.renditions:
            if rendition.format not in seen:
                seen.append(rendition.format)
        return tuple(seen)

    def in_format(self, fmt: str) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.format == fmt)

    def all_files(self) -> tuple[Rendition, ...]:
        return self.renditions + self.thumbs + (self.share,)

    def file_name(self, stem: str, rendition: Rendition) -> str:
        """A published file's name: the source's stem, the key (so a changed
        photo is a new URL and a cached page never shows the old one), and the
        size; no name of the source's folder or of the editor's camera."""
        tag = {"full": str(rendition.width), "thumb": f"t{rendition.width}", "share": "og"}[rendition.role]
        return f"{stem}.{self.key[:10]}.{tag}.{rendition.extension}"


@dataclass(frozen=True)
class ImageFailure:
    """A source that cannot be published, and why, in Chinese for the editor."""

    message: str


@dataclass(frozen=True)
class SvgInfo:
    """What an SVG declares about itself; the file is published unchanged."""

    width: int  # 0 when the file does not say
    height: int
