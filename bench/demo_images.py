"""Draw the demo's images (content/images/), so every page type has one.

A developer tool, run by hand when a picture should change; the files are
committed (a few hundred KB in all) so builds need nothing but Pillow:

    python -m bench.demo_images

Each is a drawing and says so in its own corner: nothing here may pass for
a photograph of a real person or place. One is a painted JPEG (the lossy
photo path), two are flat PNGs (the lossless graphic path). Needs the Noto
Sans CJK font (Debian: fonts-noto-cjk) for the Chinese labels.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "content/images"
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
BEE, INK, PAPER = (245, 185, 0), (51, 40, 20), (255, 250, 236)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size, index=2)  # index 2: the Simplified Chinese face


def label(draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill=INK, anchor="la") -> None:
    draw.text(xy, text, font=font(size), fill=fill, anchor=anchor)


def hexagon(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    return [(cx + r * dx, cy + r * dy) for dx, dy in ((0, -1), (0.866, -0.5), (0.866, 0.5), (0, 1), (-0.866, 0.5), (-0.866, -0.5))]


def rest_stop_painting() -> Image.Image:
    """The news cover: a painted street with a rider resting at a hexagon
    'station' sign, under an evening sky. 1600×1000, brush grain."""
    w, h = 1600, 1000
    rnd = random.Random(17)
    sky = Image.linear_gradient("L").resize((w, h))
    im = Image.composite(Image.new("RGB", (w, h), (250, 214, 160)), Image.new("RGB", (w, h), (96, 140, 200)), sky)
    draw = ImageDraw.Draw(im)
    draw.ellipse((1180, 140, 1340, 300), fill=(255, 236, 180))
    for x in range(0, w, 110):  # a generic skyline, no real building
        top = rnd.randrange(260, 520)
        draw.rectangle((x, top, x + rnd.randrange(70, 105), 720), fill=(86 + rnd.randrange(30), 98, 128))
        for wy in range(top + 20, 700, 46):
            for wx in range(x + 12, x + 66, 26):
                if rnd.random() < 0.45:
                    draw.rectangle((wx, wy, wx + 12, wy + 20), fill=(255, 222, 140))
    draw.rectangle((0, 720, w, h), fill=(112, 112, 118))
    for x in range(40, w, 220):
        draw.rectangle((x, 850, x + 120, 866), fill=(236, 236, 228))
    draw.polygon(hexagon(420, 560, 150), fill=BEE, outline=INK, width=8)
    label(draw, (420, 540), "庆小驿", 64, anchor="mm")
    label(draw, (420, 606), "温暖服务站", 34, anchor="mm")
    draw.rectangle((404, 706, 436, 800), fill=INK)
    # an e-bike with a delivery box, parked
    draw.ellipse((820, 700, 940, 820), outline=INK, width=14)
    draw.ellipse((1060, 700, 1180, 820), outline=INK, width=14)
    draw.line((880, 760, 980, 660, 1120, 760), fill=INK, width=14)
    draw.rectangle((930, 560, 1060, 660), fill=(230, 90, 40), outline=INK, width=6)
    # a seated figure on a bench, drawn as plain shapes
    draw.rectangle((560, 740, 760, 760), fill=(140, 90, 50))
    draw.ellipse((628, 600, 680, 652), fill=(240, 200, 160))
    draw.rounded_rectangle((616, 652, 694, 744), 18, fill=(40, 120, 200))
    painted = im.filter(ImageFilter.GaussianBlur(1.2))
    grain = Image.effect_noise((w, h), 24).convert("RGB")
    painted = Image.blend(painted, grain, 0.06)
    stamp = ImageDraw.Draw(painted)
    stamp.rounded_rectangle((20, 930, 430, 984), 10, fill=(255, 255, 255))
    label(stamp, (36, 936), "插图 · 非实景照片", 32)
    return painted


def steps_chart() -> Image.Image:
    """The guide's picture: four steps of using a station, as a flow chart."""
    w, h = 1200, 480
    im = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(im)
    label(draw, (w // 2, 48), "“庆小驿”使用步骤（示意图）", 40, anchor="mm")
    steps = [("1", "找到驿站", "看门口的标识"), ("2", "进站歇脚", "不用登记"), ("3", "喝水 热饭 充电", "用完复原"), ("4", "离开", "带走垃圾")]
    box_w, gap, top = 240, 48, 120
    left = (w - 4 * box_w - 3 * gap) // 2
    for i, (number, title, hint) in enumerate(steps):
        x = left + i * (box_w + gap)
        draw.rounded_rectangle((x, top, x + box_w, top + 300), 24, fill=(255, 255, 255), outline=INK, width=4)
        draw.polygon(hexagon(x + box_w / 2, top + 80, 52), fill=BEE, outline=INK, width=4)
        label(draw, (x + box_w / 2, top + 80), number, 52, anchor="mm")
        label(draw, (x + box_w / 2, top + 188), title, 30, anchor="mm")
        label(draw, (x + box_w / 2, top + 240), hint, 24, fill=(110, 96, 70), anchor="mm")
        if i < 3:
            ax = x + box_w + 6
            draw.polygon([(ax, top + 136), (ax + gap - 12, top + 150), (ax, top + 164)], fill=INK)
    return im


def amenities_board() -> Image.Image:
    """The station's picture: what the station offers, as a drawn sign board."""
    w, h = 1000, 640
    im = Image.new("RGB", (w, h), PAPER)
    draw = ImageDraw.Draw(im)
    draw.rectangle((0, 0, w, 110), fill=BEE)
    label(draw, (w // 2, 55), "站内设施（绘制示意，非实景）", 40, anchor="mm")
    items = ["休息座椅", "饮用水", "微波炉", "充电", "纳凉", "取暖"]
    for i, name in enumerate(items):
        col, row = i % 3, i // 3
        x, y = 60 + col * 310, 150 + row * 240
        draw.rounded_rectangle((x, y, x + 260, y + 200), 20, fill=(255, 255, 255), outline=INK, width=4)
        cx, cy = x + 130, y + 80
        icon = [_seat, _cup, _microwave, _plug, _fan, _heater][i]
        icon(draw, cx, cy)
        label(draw, (cx, y + 168), name, 30, anchor="mm")
    return im


def _seat(d, cx, cy):
    d.rectangle((cx - 50, cy - 10, cx + 50, cy + 6), fill=INK)
    d.rectangle((cx - 50, cy - 60, cx - 36, cy + 6), fill=INK)
    d.line((cx - 44, cy + 6, cx - 44, cy + 50), fill=INK, width=10)
    d.line((cx + 44, cy + 6, cx + 44, cy + 50), fill=INK, width=10)


def _cup(d, cx, cy):
    d.polygon([(cx - 36, cy - 50), (cx + 36, cy - 50), (cx + 26, cy + 50), (cx - 26, cy + 50)], outline=INK, width=8)
    d.rectangle((cx - 30, cy - 10, cx + 30, cy + 4), fill=(60, 150, 220))


def _microwave(d, cx, cy):
    d.rounded_rectangle((cx - 64, cy - 42, cx + 64, cy + 42), 8, outline=INK, width=8)
    d.rectangle((cx - 48, cy - 26, cx + 20, cy + 26), fill=(60, 60, 60))
    d.ellipse((cx + 34, cy - 14, cx + 50, cy + 2), fill=INK)


def _plug(d, cx, cy):
    d.rounded_rectangle((cx - 30, cy - 30, cx + 30, cy + 30), 8, fill=INK)
    d.rectangle((cx - 18, cy - 56, cx - 8, cy - 30), fill=INK)
    d.rectangle((cx + 8, cy - 56, cx + 18, cy - 30), fill=INK)
    d.line((cx, cy + 30, cx, cy + 56), fill=INK, width=10)


def _fan(d, cx, cy):
    for dx, dy in ((0, -34), (30, 18), (-30, 18)):
        d.ellipse((cx + dx - 22, cy + dy - 22, cx + dx + 22, cy + dy + 22), fill=(60, 150, 220))
    d.ellipse((cx - 10, cy - 10, cx + 10, cy + 10), fill=INK)


def _heater(d, cx, cy):
    for dx in (-36, -12, 12, 36):
        d.rounded_rectangle((cx + dx - 8, cy - 50, cx + dx + 8, cy + 40), 6, fill=(220, 90, 40))
    d.rectangle((cx - 50, cy + 40, cx + 50, cy + 52), fill=INK)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "stations").mkdir(exist_ok=True)
    made = {
        OUT / "xiaoyi-chahua.jpg": (rest_stop_painting(), {"quality": 82, "optimize": True}),
        OUT / "xiaoyi-buzhou.png": (steps_chart().quantize(64), {"optimize": True}),
        OUT / "stations/gaoxin-shunfeng-sheshi.png": (amenities_board().quantize(64), {"optimize": True}),
    }
    for path, (image, options) in made.items():
        image.save(path, **options)
        print(f"{path.relative_to(REPO)}: {image.width}×{image.height}, {path.stat().st_size // 1000} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
