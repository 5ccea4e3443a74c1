"""Reading a source image: checked, upright, 8-bit sRGB, and nothing else.

`decode` returns a fresh Pillow image that carries none of the source's
metadata (EXIF with its GPS position, XMP, comments, colour profiles): the
pixels are copied into a new image, so no encoder can find them and write
them out again. Everything a hostile or broken file can cause is returned as
an `ImageFailure` with a Chinese message, never raised.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms

from fengchao.images.results import ImageFailure
from fengchao.images.settings import ImageSettings

# What Pillow may open (its other plugins read formats no phone makes, some
# with decoders far less exercised). HEIC/HEIF goes through pillow-heif.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")  # JPEG opens MPO files too
SUPPORTED = "JPEG、PNG、WebP、GIF、HEIC/HEIF"

# What decoding a malformed file raises: Pillow's own errors are OSError
# (truncated data, bad chunks) and SyntaxError (bad headers), its parsers add
# ValueError/EOFError/struct.error/IndexError on nonsense values; the bomb
# check raises DecompressionBombError (and we turn its warning into one).
# pillow-heif raises RuntimeError and ValueError for what libheif rejects.
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    RuntimeError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)

ORIENTATION = 0x0112
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Decoded:
    image: Image.Image  # "RGB", or "RGBA" when some pixel is transparent; info empty
    source_format: str
    width: int  # the source's size after orientation (the image may be smaller: JPEG draft)
    height: int
    notes: tuple[str, ...] = ()


def decode(data: bytes, settings: ImageSettings) -> Decoded | ImageFailure:
    if not data:
        return ImageFailure("图片文件是空的（0 字节），可能没有上传完整；请重新放入原图")
    if len(data) > settings.max_bytes:
        return ImageFailure(
            f"图片文件太大（{_megabytes(len(data))}），上限 {_megabytes(settings.max_bytes)}；"
            "请换一张较小的照片（手机“分享”时选“原图”以外的尺寸即可）"
        )
    try:
        if pillow_heif.is_supported(io.BytesIO(data)):
            return _decode_heif(data, settings)
        return _decode_pillow(data, settings)
    except DECODE_ERRORS as error:
        return _failure(error)


def _decode_pillow(data: bytes, settings: ImageSettings) -> Decoded | ImageFailure:
    # Pillow warns about a decompression bomb between its two limits and
    # raises above the upper one; both mean "far over ours", so the warning
    # is raised too and reported like any other failure.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=FORMATS)
        except Image.UnidentifiedImageError:
            return ImageFailure(f"不是可以识别的图片文件（支持 {SUPPORTED}）；请确认文件没有损坏、扩展名没有改错")
    too_big = _too_many_pixels(im.size, settings)
    if too_big:
        return too_big
    notes = []
    if getattr(im, "is_animated", False) and im.format != "MPO":
        notes.append("这是一张动图：网站只发布它的第一帧（静态图片）；需要动画请改用视频")
    im.seek(0)  # an MPO's second picture is a depth map or a preview, not the photo
    orientation = _orientation(im, notes)
    header = im.size  # draft() below changes `size` to the reduced one
    if im.format in ("JPEG", "MPO"):
        # Decode at 1/2, 1/4 or 1/8 scale when even that is larger than any
        # rendition: a 12-megapixel photo decodes ~3x faster, same output sizes.
        need = max(max(settings.widths), settings.share_size[0], settings.share_size[1])
        im.draft(im.mode, (need, need))
    im.load()
    source_size = header if orientation < 5 else header[::-1]
    icc = im.info.get("icc_profile")
    image = _upright(im, orientation)
    return _finish(image, icc, im.format, source_size, notes)


def _decode_heif(data: bytes, settings: ImageSettings) -> Decoded | ImageFailure:
    heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
    # libheif has applied the rotation and mirroring already (and reset the
    # EXIF orientation to 1): the size it reports is upright.
    too_big = _too_many_pixels(heif.size, settings)
    if too_big:
        return too_big
    im = heif.to_pillow()
    return _finish(im, heif.info.get("icc_profile"), "HEIF", im.size, [])


def _finish(im: Image.Image, icc: bytes | None, fmt: str, size: tuple[int, int], notes: list[str]) -> Decoded:
    image = _to_srgb(im, icc, notes)
    # A new image from the pixels alone: `info` (exif, xmp, comment,
    # icc_profile, dpi...) does not come along, and Pillow's encoders fall
    # back to `info` for several of those.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    return Decoded(clean, fmt, size[0], size[1], tuple(notes))


def _too_many_pixels(size: tuple[int, int], settings: ImageSettings) -> ImageFailure | None:
    width, height = size
    if width <= 0 or height <= 0:
        return ImageFailure("图片的宽或高为 0，文件已损坏；请重新导出")
    if width * height > settings.max_pixels:
        return ImageFailure(
            f"图片像素太多（{width}×{height}，约 {width * height // 10_000} 万像素），"
            f"上限约 {settings.max_pixels // 10_000} 万像素；请缩小到长边 4000 像素左右再用"
        )
    return None


def _orientation(im: Image.Image, notes: list[str]) -> int:
    """The EXIF orientation (1-8); 1 when there is none or it cannot be read
    (a broken EXIF block is thrown away with the rest, so it costs nothing
    but the rotation, which the editor is told about)."""
    try:
        value = im.getexif().get(ORIENTATION, 1)
    except DECODE_ERRORS:
        notes.append("照片的 EXIF 信息已损坏，无法读取拍摄方向；如果发布后照片是横躺的，请在手机上旋转后重新导出")
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return im.transpose(method) if method is not None else im


def _to_srgb(im: Image.Image, icc: bytes | None, notes: list[str]) -> Image.Image:
    """8-bit RGB (RGBA if some pixel is see-through), in sRGB."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        # 16-bit greyscale: Pillow's convert("L") clips at 255 instead of scaling.
        im = im.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if im.mode == "P" or im.mode == "PA" or im.mode in ("LA", "La", "RGBa"):
        im = im.convert("RGBA")
    if icc:
        converted = _with_profile(im, icc)
        if converted is None:
            notes.append("图片内嵌的颜色配置文件无法读取，已按 sRGB 处理；如果颜色明显不对，请重新导出为 sRGB")
        else:
            im = converted
    if im.mode not in ("RGB", "RGBA"):
        im = im.convert("RGBA" if "A" in im.mode else "RGB")
    if im.mode == "RGBA" and im.getchannel("A").getextrema()[0] == 255:
        im = im.convert("RGB")  # an alpha channel nobody uses would force PNG fallbacks
    return im


def _with_profile(im: Image.Image, icc: bytes) -> Image.Image | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if im.mode not in ("RGB", "RGBA", "CMYK", "L"):
            im = im.convert("RGB")
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(im, source, SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def _failure(error: BaseException) -> ImageFailure:
    text = str(error)
    if isinstance(error, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        return ImageFailure("图片声明的尺寸大得异常（可能是“解压炸弹”文件），已拒绝处理；请换用正常导出的照片")
    if "truncated" in text.lower() or isinstance(error, EOFError):
        return ImageFailure("图片文件不完整（可能没有上传或复制完），无法读取；请重新放入原图")
    return ImageFailure(f"图片文件已损坏，无法读取（{type(error).__name__}: {text[:80]}）；请重新导出后再放入")


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"
