"""The image core (fengchao/images/): what a rider downloads and what an
editor is told, from real files made by the tests (tests/imagefiles.py)."""

from __future__ import annotations

import concurrent.futures
import io
import multiprocessing
from html.parser import HTMLParser

import pytest
from PIL import Image

from fengchao.content.svg_check import svg_problem
from fengchao.images import (
    ImageFailure,
    ImageSettings,
    Processed,
    figure_html,
    inspect_svg,
    picture_html,
    process_image,
    svg_html,
)
from tests import imagefiles as files

SETTINGS = ImageSettings()


@pytest.fixture(scope="module")
def camera() -> tuple[bytes, Processed]:
    data = files.camera_jpeg()
    return data, process_image(data, SETTINGS)


@pytest.fixture(scope="module")
def iphone() -> Processed:
    return process_image(files.heic(), SETTINGS)


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 150 and g < 90 and b < 90


def is_blue(pixel) -> bool:
    r, _, b = pixel[:3]
    return b > 150 and r < 90


# --- no published file says where a photo was taken ---------------------------


@pytest.mark.parametrize("source", ["camera", "iphone", "screenshot"])
def test_no_output_file_carries_exif_gps_xmp_comment_or_profile(source, camera, iphone):
    result = {"camera": camera[1], "iphone": iphone, "screenshot": process_image(files.screenshot(), SETTINGS)}[source]
    assert isinstance(result, Processed)
    for rendition in result.all_files():
        assert files.metadata_blocks(rendition.data) == [], (rendition.role, rendition.width, rendition.format)
        im = opened(rendition.data)
        assert not im.getexif(), rendition
        assert not im.getexif().get_ifd(files.GPS_IFD)
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(im.info)
        for secret in (b"Exif\0\0", b"iPhone", b"Daqing", b"taken at home", b"rider's phone", b"sRGB"):
            assert secret not in rendition.data


def test_the_source_did_carry_gps_so_the_test_above_means_something():
    im = opened(files.camera_jpeg(800, 600))
    assert im.getexif().get_ifd(files.GPS_IFD)[2] == (46.0, 35.0, 12.5)
    assert {"APP1:Exif", "COM", "APP2:ICC_"} <= set(files.metadata_blocks(files.camera_jpeg(800, 600)))
    import pillow_heif

    heif = pillow_heif.open_heif(io.BytesIO(files.heic(320, 240)))
    exif = Image.Exif()
    exif.load(heif.info["exif"])
    assert exif.get_ifd(files.GPS_IFD)[2] == (46.0, 35.0, 12.5)
    assert b"Daqing" in heif.info["xmp"]


# --- orientation, widths, formats ----------------------------------------------


def test_camera_photo_is_turned_upright_and_made_in_three_widths(camera):
    data, result = camera
    # The sensor is 4032×3024 with orientation 6: the phone showed it upright,
    # 3024 wide, with the sensor's left (red) edge at the top.
    assert (result.source_width, result.source_height) == (3024, 4032)
    assert result.kind == "photo" and result.source_format == "JPEG"
    assert [(r.width, r.height, r.format) for r in result.renditions] == [
        (480, 640, "webp"),
        (480, 640, "jpeg"),
        (720, 960, "webp"),
        (720, 960, "jpeg"),
        (1200, 1600, "webp"),
        (1200, 1600, "jpeg"),
    ]
    for rendition in result.renditions:
        im = opened(rendition.data)
        assert im.size == (rendition.width, rendition.height)
        assert im.format == rendition.format.upper() and im.mode == "RGB"
        assert is_red(im.getpixel((im.width // 2, 2))), rendition
        assert is_blue(im.getpixel((im.width // 2, im.height - 3))), rendition
    assert sum(len(r.data) for r in result.all_files()) < len(data) / 5


def test_heic_from_an_iphone_is_read_upright(iphone):
    assert isinstance(iphone, Processed) and iphone.source_format == "HEIF"
    assert (iphone.source_width, iphone.source_height) == (1200, 1600)
    im = opened(iphone.in_format("jpeg")[-1].data)
    assert is_red(im.getpixel((im.width // 2, 2))) and is_blue(im.getpixel((im.width // 2, im.height - 3)))


@pytest.mark.parametrize("width, expected", [(4032, (480, 720, 1200)), (1000, (480, 720, 1000)), (300, (300,))])
def test_widths_never_exceed_the_source(width, expected):
    result = process_image(files.camera_jpeg(width, width * 3 // 4, orientation=1), SETTINGS)
    assert tuple(r.width for r in result.in_format("webp")) == expected
    assert tuple(r.width for r in result.in_format("jpeg")) == expected
    assert result.width == expected[-1] and result.height == round(expected[-1] * 3 / 4)


def test_screenshot_stays_lossless_and_falls_back_to_png():
    data = files.screenshot()
    result = process_image(data, SETTINGS)
    assert result.kind == "graphic" and result.formats() == ("webp", "png")
    assert all(files.webp_is_lossless(r.data) for r in result.in_format("webp"))
    largest_png = result.in_format("png")[-1]
    assert opened(largest_png.data).size == (1200, 750)
    # Smaller than the lossy encodings of the same pixels would have been.
    lossy = process_image(files.camera_jpeg(1280, 800, orientation=1), SETTINGS)
    assert len(result.in_format("webp")[-1].data) < len(lossy.in_format("webp")[-1].data)


def test_transparent_graphic_keeps_its_transparency_in_both_formats():
    result = process_image(files.transparent_logo(), SETTINGS)
    assert result.formats() == ("webp", "png")
    for rendition in result.renditions:
        im = opened(rendition.data).convert("RGBA")
        assert im.getpixel((0, 0))[3] == 0 and im.getpixel((im.width // 2, im.height // 2))[3] == 255
    # JPEG has no alpha: the thumbnail and share image are flattened on white.
    corner = opened(result.share.data).getpixel((0, 0))
    assert min(corner) > 240


def test_cmyk_and_16_bit_sources_become_8_bit_rgb():
    cyan = process_image(files.cmyk_jpeg(), SETTINGS)
    for rendition in cyan.all_files():
        im = opened(rendition.data)
        assert im.mode == "RGB"
        r, g, b = im.getpixel((im.width // 2, im.height // 2))
        assert r < 40 and g > 200 and b > 200, (rendition, (r, g, b))
    ramp = process_image(files.png16(), SETTINGS)
    im = opened(ramp.in_format(ramp.formats()[-1])[-1].data).convert("RGB")
    assert im.mode == "RGB"
    # Scaled, not clipped: the middle of a black-to-white ramp is mid-grey.
    assert 100 < im.getpixel((im.width // 2, im.height // 2))[0] < 160
    assert im.getpixel((2, 2))[0] < 20


def test_colour_profile_is_converted_to_srgb_and_not_kept():
    result = process_image(files.wide_gamut_jpeg(), SETTINGS)
    for rendition in result.all_files():
        r, g, b = opened(rendition.data).getpixel((10, 10))[:3]
        assert g > 230 and r < 30 and b < 30, (rendition, (r, g, b))
        assert files.metadata_blocks(rendition.data) == []


def test_unreadable_colour_profile_is_dropped_and_the_editor_is_told():
    result = process_image(files.screenshot(), SETTINGS)
    assert result.notes == ("图片内嵌的颜色配置文件无法读取，已按 sRGB 处理；如果颜色明显不对，请重新导出为 sRGB",)
    assert all("iCCP" not in files.metadata_blocks(r.data) for r in result.all_files())


def test_animated_gif_becomes_its_first_frame_and_the_editor_is_told():
    result = process_image(files.animated_gif(), SETTINGS)
    assert isinstance(result, Processed)
    assert any("第一帧" in note for note in result.notes)
    for rendition in result.all_files():
        im = opened(rendition.data)
        assert getattr(im, "n_frames", 1) == 1
        assert is_red(im.convert("RGB").getpixel((im.width // 2, im.height // 2)))


def test_share_image_is_1200_by_630_jpeg_under_the_budget(camera):
    share = camera[1].share
    assert (share.width, share.height, share.format) == (1200, 630, "jpeg")
    assert len(share.data) <= 300_000 and opened(share.data).size == (1200, 630)
    tight = process_image(files.camera_jpeg(2400, 1800, orientation=1), ImageSettings(share_max_bytes=60_000))
    assert len(tight.share.data) <= 60_000 and opened(tight.share.data).size == (1200, 630)


def test_share_image_and_thumbnail_are_never_enlarged():
    small = process_image(files.camera_jpeg(600, 400, orientation=1), SETTINGS)
    assert (small.share.width, small.share.height) == (600, 315)
    assert [(t.width, t.height, t.format) for t in small.thumbs] == [(192, 144, "webp"), (192, 144, "jpeg")]
    tiny = process_image(files.camera_jpeg(120, 90, orientation=1), SETTINGS)
    assert (tiny.thumbs[0].width, tiny.thumbs[0].height) == (120, 90)


def test_same_source_same_bytes_in_another_process(camera):
    data, result = camera
    again = process_image(data, SETTINGS)
    assert again == result
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        there = pool.submit(process_image, data, SETTINGS).result()
    assert [r.data for r in there.all_files()] == [r.data for r in result.all_files()]
    assert there.key == result.key


def test_key_changes_with_the_source_and_the_settings(camera):
    result = camera[1]
    other = process_image(files.camera_jpeg(800, 600), SETTINGS)
    assert other.key != result.key
    assert ImageSettings(jpeg_quality=60).digest() != SETTINGS.digest()
    names = {result.file_name("open-day", r) for r in result.all_files()}
    assert len(names) == len(result.all_files())
    assert result.file_name("open-day", result.share) == f"open-day.{result.key[:10]}.og.jpg"


# --- what an editor is told about files that cannot be published ---------------


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "空的（0 字节）"),
        (b"GIF89a this is not really a picture at all" * 20, "损坏"),
        ("这是一段文字，不是图片".encode() * 50, "不是可以识别的图片"),
        (files.SVG_WITH_SCRIPT, "不是可以识别的图片"),
        (files.camera_jpeg(800, 600)[:30_000], "不完整"),
        (files.bomb_png(30_000, 30_000), "解压炸弹"),
        (files.bomb_png(9_000, 9_000), "像素太多（9000×9000，约 8100 万像素）"),
    ],
)
def test_unusable_files_are_failures_with_a_chinese_message(data, words):
    result = process_image(data, SETTINGS)
    assert isinstance(result, ImageFailure)
    assert words in result.message
    assert "请" in result.message  # and what to do about it


def test_a_file_over_the_byte_limit_is_refused_before_decoding():
    result = process_image(files.camera_jpeg(800, 600), ImageSettings(max_bytes=10_000))
    assert isinstance(result, ImageFailure) and "图片文件太大" in result.message and "上限 0.0 MB" in result.message


# --- markup ----------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def url(result: Processed):
    return lambda rendition: "/hub/images/" + result.file_name("开放日", rendition)


def test_picture_markup_has_srcset_sizes_dimensions_and_lazy_loading(camera):
    result = camera[1]
    markup = picture_html(result, url(result), 'alt with "quotes" & <tags>', "(min-width: 42rem) 40rem, 100vw")
    tags = Tags(markup).tags
    assert [t for t, _ in tags] == ["picture", "source", "img"]
    source, img = tags[1][1], tags[2][1]
    assert source["type"] == "image/webp"
    assert source["srcset"].split(", ") == [f"/hub/images/开放日.{result.key[:10]}.{w}.webp {w}w" for w in (480, 720, 1200)]
    assert img["srcset"].endswith(".1200.jpg 1200w") and img["src"].endswith(".720.jpg")
    assert source["sizes"] == img["sizes"] == "(min-width: 42rem) 40rem, 100vw"
    assert (img["width"], img["height"]) == ("1200", "1600")
    assert img["alt"] == 'alt with "quotes" & <tags>' and "<tags>" not in markup
    assert img["loading"] == "lazy" and img["decoding"] == "async" and "fetchpriority" not in img


def test_first_image_of_a_page_is_fetched_first(camera):
    result = camera[1]
    img = Tags(picture_html(result, url(result), "开放日", "100vw", first=True)).tags[-1][1]
    assert img["fetchpriority"] == "high" and "loading" not in img and "decoding" not in img


def test_thumbnail_markup_and_figure_caption_are_escaped(camera):
    result = camera[1]
    thumb = Tags(picture_html(result, url(result), "卡片", "6rem", thumb=True)).tags
    assert thumb[1][1]["srcset"].endswith(".t192.webp") and thumb[2][1]["src"].endswith(".t192.jpg")
    assert (thumb[2][1]["width"], thumb[2][1]["height"]) == ("192", "144")
    figure = figure_html(picture_html(result, url(result), "开放日", "100vw"), "图为<b>骑手</b>在驿站休息")
    parsed = Tags(figure)
    assert [t for t, _ in parsed.tags] == ["figure", "picture", "source", "img", "figcaption"]
    assert "".join(parsed.text) == "图为<b>骑手</b>在驿站休息" and "<b>" not in figure


def test_srcset_urls_with_spaces_or_commas_stay_one_candidate(camera):
    result = camera[1]
    markup = picture_html(result, lambda r: f"/a b,c/{r.width}.{r.extension}", "x", "100vw")
    source = Tags(markup).tags[1][1]
    assert source["srcset"].split(", ")[0] == "/a%20b%2Cc/480.webp 480w"


# --- SVG: published as a file behind <img>, never inlined -----------------------


def test_svg_with_script_is_refused_at_its_line_and_any_svg_is_only_ever_an_img():
    # One inspector decides (content/svg_check.py, when content/ is loaded):
    # the first active thing, at its line (the file's third).
    assert svg_problem(files.SVG_WITH_SCRIPT) == (3, "<script>")
    assert svg_problem(files.SVG_WITH_SCRIPT.replace(b"<script>alert(document.cookie)</script>", b"")) == (4, "onload=")
    info = inspect_svg(files.SVG_WITH_SCRIPT)
    assert (info.width, info.height) == (640, 360)  # from viewBox, not stroke-width
    markup = svg_html("/hub/images/map.svg", "地图", info, first=False)
    assert Tags(markup).tags == [
        ("img", {"src": "/hub/images/map.svg", "alt": "地图", "width": "640", "height": "360", "loading": "lazy", "decoding": "async"})
    ]
    assert "<svg" not in markup and "script" not in markup


def test_plain_svg_and_not_an_svg():
    data = b'<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80"><path d="M0 0"/></svg>'
    plain = inspect_svg(data)
    assert (plain.width, plain.height) == (120, 80) and svg_problem(data) is None
    stroked = inspect_svg(b'<svg stroke-width="3" height="50" viewBox="0 0 100 50"></svg>')
    assert (stroked.width, stroked.height) == (100, 50)
    assert isinstance(inspect_svg(b"\x89PNG\r\n\x1a\n...."), ImageFailure)
    assert "找不到 <svg>" in inspect_svg(b"\x89PNG\r\n\x1a\n....").message
