"""A site whose one article carries three 12-megapixel phone photos: the
page issue 17's targets are measured on (≤ 250 KB transferred at 375 px
and device pixel ratio 2, no layout shift, Lighthouse mobile ≥ 95).

    python -m bench.photo_article DIR      # writes the project into DIR

tests/browser/test_photo_article.py builds it and measures it in Chromium;
`python -m bench.lighthouse --photos` runs Lighthouse on it. The photos are
4032×3024 JPEGs at quality 90 (~4.9 MB each, as a phone's are) with the
phone's EXIF, GPS position, XMP and colour profile, their pixels from
bench/images.py (grain at four scales under colour gradients and shapes):
at the widths a page shows they cost about what real street photos cost
(~1.35 bits per pixel as WebP q72 at 720 px). tests/imagefiles.py's
`sensor_pixels` would not do here: its fine grain averages away when the
photo is reduced, so its renditions are a few KB and would prove nothing.
"""

from __future__ import annotations

import io
import shutil
import sys
from pathlib import Path

from bench import images
from tests import imagefiles

REPO = Path(__file__).resolve().parents[1]
SLUG = "yizhan-kaifang-ri"
PATH = f"news/{SLUG}/"  # where the article is published
PHOTOS = ("kaifang-ri.jpg", "xiuxi-qu.jpg", "aixin-bao.jpg")

# One line a paragraph, as the editor's guide asks (a line break inside
# Chinese text shows as a space); the cover and two captioned photos in the text.
ARTICLE = f"""\
---
title: 庆小驿开放日：三张照片看驿站
date: 2026-11-20
tags: [快递小哥]
category: 关爱行动
slug: {SLUG}
summary: 开放日当天，骑手们来到驿站歇脚、领取爱心包。
image: ../../images/{PHOTOS[0]}
image_alt: 驿站门口，几位骑手在排队领取爱心包
---

开放日当天上午九点，驿站准时开门。天气很冷，不少骑手送完一单就进来暖和一下，喝口热水，给手机充上电。站里的工作人员介绍了驿站的设施和开放时间。

![驿站休息区，靠墙一排座椅，几位骑手在休息](../../images/{PHOTOS[1]} "图为骑手在驿站休息区歇脚")

驿站里有座椅、饮用水、微波炉和充电插座，冬天有暖气，夏天有空调。骑手不用登记，进门就能用；用完把东西放回原处就好。

中午，志愿者给骑手们发放了爱心包，里面有手套、护膝和暖宝宝。

![志愿者把爱心包递给一位骑手](../../images/{PHOTOS[2]} "图为志愿者发放爱心包")

下午，驿站请来社区医生为骑手量血压、测视力。医生提醒大家，天冷路滑，骑车要慢一点，手套和护膝一定要戴好。

驿站的开放时间和地址可以在“找驿站”里查到。
"""


def photo_jpeg(seed: int) -> bytes:
    """A phone photo: bench/images.py's pixels, tests/imagefiles.py's
    metadata (camera, GPS position, XMP with a city, a comment, sRGB profile)."""
    if images._texture is None:
        images._texture = images.texture()
    out = io.BytesIO()
    images.photo(seed).save(
        out,
        "JPEG",
        quality=90,
        exif=imagefiles.camera_exif(1),
        xmp=imagefiles.XMP,
        comment=b"taken at home",
        icc_profile=imagefiles.srgb_profile(),
    )
    return out.getvalue()


def write_project(root: Path) -> dict[str, bytes]:
    """The project (the hub's site.yaml and assets, this one article, its
    three photos) in `root`; returns the photos' bytes by file name."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    shutil.copytree(REPO / "assets", root / "assets", dirs_exist_ok=True, ignore=shutil.ignore_patterns("decap-cms"))
    article = root / "content/news/2026" / f"{SLUG}.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(ARTICLE, encoding="utf-8")
    (root / "content/images").mkdir(parents=True, exist_ok=True)
    photos = {}
    for seed, name in enumerate(PHOTOS, start=17):
        photos[name] = photo_jpeg(seed)
        (root / "content/images" / name).write_bytes(photos[name])
    return photos


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit("usage: python -m bench.photo_article DIR")
    root = Path(sys.argv[1])
    photos = write_project(root)
    print(f"{root}: 1 article ({PATH}), {len(photos)} photos, {sum(map(len, photos.values())) / 1e6:.1f} MB")
    print(f"build it: python -m fengchao --root {root} build --out {root / 'site'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
