"""Real image files for the image tests, made here: camera-size photos with
EXIF and GPS, a HEIC, screenshots, CMYK, 16-bit, GIFs, broken files, a
decompression bomb, an SVG with a script; and readers that list every
metadata block an output file carries, by walking its bytes (not by asking
Pillow, which may not show what it does not understand)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms, ImageDraw

ORIENTATION, MAKE, MODEL, GPS_IFD = 0x0112, 0x010F, 0x0110, 0x8825
# Where the test photos say they were taken (a rider's home, in the story).
GPS = {1: "N", 2: (46.0, 35.0, 12.5), 3: "E", 4: (125.0, 1.0, 3.0)}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Daqing"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
RED, BLUE = (220, 30, 30), (30, 60, 220)


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "Apple", "iPhone 15"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update(GPS)
    return exif


def sensor_pixels(width: int, height: int, seed: int = 0) -> Image.Image:
    """Photo-like pixels (grain over a gradient) as the sensor saw them: a red
    band along the left edge and a blue one along the right, so a test can
    tell which way up a processed copy is."""
    base = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.effect_noise((width, height), 40 + seed).convert("RGB")
    im = Image.blend(base, grain, 0.35)
    draw = ImageDraw.Draw(im)
    band = width // 8
    draw.rectangle((0, 0, band, height), fill=RED)
    draw.rectangle((width - band, 0, width, height), fill=BLUE)
    return im


def camera_jpeg(width: int = 4032, height: int = 3024, orientation: int = 6, quality: int = 90) -> bytes:
    """A phone photo: EXIF (camera, orientation, GPS position), XMP with a
    city, a comment and an ICC profile, all written by Pillow."""
    out = io.BytesIO()
    sensor_pixels(width, height).save(
        out, "JPEG", quality=quality, exif=camera_exif(orientation), xmp=XMP, comment=b"taken at home", icc_profile=srgb_profile()
    )
    return out.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_profile() -> bytes:
    """An ICC v2 RGB profile, made byte by byte, whose red colourant is
    sRGB's green and whose green is sRGB's red: a pixel (255, 0, 0) in it is
    green on screen. A converter that ignores the profile leaves it red."""

    def fixed(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + fixed(x) + fixed(y) + fixed(z)

    text = b"swapped red/green"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text) + 1) + text + b"\0" + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"
    red, green, blue = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971), (0.1431, 0.0606, 0.7141)
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*green)),
        (b"gXYZ", xyz(*red)),
        (b"bXYZ", xyz(*blue)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + fixed(0.9642)
        + fixed(1.0)
        + fixed(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + table + body


def wide_gamut_jpeg(width: int = 800, height: int = 600) -> bytes:
    """Pure red pixels tagged with `swapped_profile`: green once converted."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 0, 0)).save(out, "JPEG", quality=95, icc_profile=swapped_profile())
    return out.getvalue()


def heic(width: int = 1600, height: int = 1200, orientation: int = 6) -> bytes:
    """An iPhone-style HEIC with EXIF (GPS) and XMP. x265's fastest preset:
    its default spends ~20 s on a busy machine for the same test."""
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(sensor_pixels(width, height)).save(
        out, format="HEIF", quality=60, exif=camera_exif(orientation).tobytes(), xmp=XMP, enc_params={"preset": "ultrafast"}
    )
    return out.getvalue()


def screenshot(width: int = 1280, height: int = 800) -> bytes:
    """A phone-app screenshot: flat colours, boxes and 'text' lines."""
    im = Image.new("RGB", (width, height), (246, 247, 249))
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, width, 96), fill=(255, 196, 0))
    for row in range(12):
        top = 130 + row * 52
        draw.rectangle((40, top, 40 + (row * 97) % 700 + 300, top + 18), fill=(60, 60, 70))
        draw.ellipse((width - 90, top, width - 60, top + 30), fill=(20, 120, 200))
    out = io.BytesIO()
    # With its GPS in an eXIf chunk and a colour profile no converter can
    # read: the pixels are kept as sRGB, and the profile must not be copied.
    im.save(out, "PNG", pnginfo=_png_text(), exif=camera_exif(1), icc_profile=b"not a profile" * 20)
    return out.getvalue()


def _png_text():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "device: rider's phone")
    return info


def transparent_logo(size: int = 600) -> bytes:
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((50, 50, size - 50, size - 50), fill=(255, 190, 0, 255))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def cmyk_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A print-shop file: CMYK, pure cyan."""
    out = io.BytesIO()
    Image.new("CMYK", (width, height), (255, 0, 0, 0)).save(out, "JPEG", quality=90)
    return out.getvalue()


def png16(width: int = 1000, height: int = 400) -> bytes:
    """A 16-bit greyscale PNG: a horizontal ramp from black to white."""
    ramp = Image.linear_gradient("L").rotate(90).resize((width, height))
    im = ramp.convert("I").point(lambda v: v * 257).convert("I;16")
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (400, 300), colour) for colour in (RED, (30, 200, 30), BLUE)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    return out.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A PNG that declares width×height pixels in a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    body = zlib.compress(b"\0" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


SVG_WITH_SCRIPT = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360" stroke-width="2">
  <script>alert(document.cookie)</script>
  <rect width="640" height="360" fill="#fc0" onload="alert(1)"/>
</svg>
"""


# --- reading metadata back, block by block -----------------------------------


def metadata_blocks(data: bytes) -> list[str]:
    """Every block of an output file that is not pixels: JPEG APPn/COM
    segments (APP0 JFIF excepted), PNG ancillary chunks other than
    transparency, WebP chunks other than the image, its alpha and the header."""
    if data[:2] == b"\xff\xd8":
        return [name for name in _jpeg_segments(data) if name not in ("APP0:JFIF",)]
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return [name for name in _png_chunks(data) if name not in ("IHDR", "PLTE", "tRNS", "IDAT", "IEND")]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return [name for name in _webp_chunks(data) if name not in ("VP8 ", "VP8L", "VP8X", "ALPH")]
    raise AssertionError(f"not a JPEG, PNG or WebP file: {data[:12]!r}")


def _jpeg_segments(data: bytes) -> list[str]:
    names, at = [], 2
    while at + 4 <= len(data):
        assert data[at] == 0xFF, f"bad JPEG marker at {at}"
        marker = data[at + 1]
        if marker == 0xDA:  # start of scan: the rest is entropy-coded data
            break
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        payload = data[at + 4 : at + 2 + length]
        if 0xE0 <= marker <= 0xEF:
            names.append(f"APP{marker - 0xE0}:{payload[:4].decode('latin-1')}")
        elif marker == 0xFE:
            names.append("COM")
        at += 2 + length
    return names


def _png_chunks(data: bytes) -> list[str]:
    names, at = [], 8
    while at + 8 <= len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        at += 12 + length
    return names


def _webp_chunks(data: bytes) -> list[str]:
    names, at = [], 12
    while at + 8 <= len(data):
        size = struct.unpack("<I", data[at + 4 : at + 8])[0]
        names.append(data[at : at + 4].decode("latin-1"))
        at += 8 + size + (size & 1)
    return names


def webp_is_lossless(data: bytes) -> bool:
    return "VP8L" in _webp_chunks(data)


def plain_png(width: int = 640, height: int = 400) -> bytes:
    """A small, real PNG with nothing unusual: a graphic an editor adds."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(out, "PNG")
    return out.getvalue()


def broken_jpeg() -> bytes:
    """A JPEG whose headers are whole but whose compressed data is scrambled:
    it opens, then fails while decoding (not truncated, not unidentified)."""
    data = bytearray(camera_jpeg(400, 300, orientation=1))
    for i in range(2000, 6000):
        data[i] = (i * 7) & 0xFF
    return bytes(data)
