"""Photos through real builds: what a rider downloads, what an editor is told.

The photos are made by tests/imagefiles.py: camera-size JPEGs whose EXIF
holds a GPS position, an iPhone HEIC, a screenshot, broken files, an SVG
with a script. Every published image file is read back.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from html.parser import HTMLParser

import pytest
from PIL import Image

from conftest import MINIMAL_STATION, Site
from tests import imagefiles as files

ARTICLE = """\
---
title: 驿站开放日
date: 2024-08-19
image: ../../images/open-day.jpg
image_alt: 驿站门口，几位骑手在排队领取爱心包
---

开放日当天来了很多骑手。

![骑手在驿站休息](../../images/rest.jpg "图为骑手在驿站休息")

手机里的截图：

![小程序的签到页面](../../images/app.png)
"""

GUIDE = """\
---
title: 怎么找驿站
topic: 驿站服务
---

看门口的标识。

![驿站门口的标识](../images/sign.heic)
"""

STATION = (
    MINIMAL_STATION
    + """\
  photos:
    - src: ../images/station.jpg
      alt: 服务站休息区，靠墙一排座椅
"""
)


@pytest.fixture(scope="module")
def photos() -> dict[str, bytes]:
    return {
        "images/open-day.jpg": files.camera_jpeg(),
        "images/rest.jpg": files.camera_jpeg(2000, 1500, orientation=1),
        "images/app.png": files.screenshot(),
        "images/sign.heic": files.heic(800, 600),
        "images/station.jpg": files.camera_jpeg(1600, 1200, orientation=1),
        "images/unused.jpg": files.camera_jpeg(800, 600),
    }


@pytest.fixture
def site(make_site, photos):
    return make_site({"news/2024/open-day.md": ARTICLE, "guides/find.md": GUIDE, "stations/s.yaml": STATION, **photos})


class Tags(HTMLParser):
    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


def published_images(site) -> list:
    return sorted(p for p in site.out.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif", ".heic"))


def test_no_published_image_carries_exif_or_gps_and_no_source_is_published(site, build):
    assert build(site).code == 0
    images = published_images(site)
    assert len(images) > 20
    for path in images:
        data = path.read_bytes()
        assert files.metadata_blocks(data) == [], path.name
        assert b"Exif" not in data and b"iPhone" not in data and b"Daqing" not in data, path.name
        im = Image.open(io.BytesIO(data))
        assert not im.getexif().get_ifd(files.GPS_IFD), path.name
    names = {p.name for p in images if "assets" not in p.relative_to(site.out).parts}  # the theme's own icons apart
    # Only processed files, named by the source's key: no source went out as it was.
    assert not names & {"open-day.jpg", "rest.jpg", "app.png", "sign.heic", "station.jpg", "unused.jpg"}
    assert all(re.fullmatch(r"[a-z-]+\.[0-9a-f]{10}\.(t?\d+|og)\.(webp|jpg|png)", n) for n in names), names
    assert not any(n.startswith("unused.") for n in names)


def test_article_cover_body_photos_and_share_image(site, build):
    assert build(site).code == 0
    page = site.read("news/open-day/index.html")
    tags = Tags(page)
    imgs = tags.all("img")
    cover, rest, app = imgs[0], imgs[1], imgs[2]
    # The cover is first on the page: fetched at once; the rest wait.
    assert cover["fetchpriority"] == "high" and "loading" not in cover
    assert (cover["width"], cover["height"]) == ("1200", "1600")  # upright: the phone held it tall
    assert rest["loading"] == "lazy" and rest["decoding"] == "async" and (rest["width"], rest["height"]) == ("1200", "900")
    assert all(s["type"] == "image/webp" and "480w" in s["srcset"] for s in tags.all("source"))
    assert re.search(r"<figure><picture>.*?</picture><figcaption>图为骑手在驿站休息</figcaption></figure>", page)
    assert app["src"].endswith(".720.png") and "app." in app["src"]  # a screenshot stays lossless
    metas = {a.get("property"): a.get("content") for a in tags.all("meta")}
    share = metas["og:image"]
    assert re.fullmatch(r"https://example\.org/hub/images/open-day\.[0-9a-f]{10}\.og\.jpg", share)
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    data = (site.out / share.removeprefix("https://example.org/hub/")).read_bytes()
    assert len(data) <= 300_000 and Image.open(io.BytesIO(data)).size == (1200, 630)


def test_news_card_thumbnail_station_photo_and_heic_in_a_guide(site, build):
    assert build(site).code == 0
    card = Tags(site.read("news/index.html")).all("img")
    assert len(card) == 1 and card[0]["src"].endswith(".t192.jpg") and card[0]["alt"] == ""
    assert (card[0]["width"], card[0]["height"]) == ("192", "144")
    station = Tags(site.read("stations/test-1/index.html"))
    photo = [a for a in station.all("img") if "station." in a.get("src", "")]
    assert photo and photo[0]["alt"] == "服务站休息区，靠墙一排座椅" and photo[0]["width"] == "1200"
    listed = [a for a in Tags(site.read("stations/index.html")).all("img") if "station." in a.get("src", "")]
    assert listed and listed[0]["src"].endswith(".t192.jpg") and listed[0]["alt"] == ""  # the card's small photo
    guide = Tags(site.read("guides/find/index.html")).all("img")
    heic = [a for a in guide if "sign." in a["src"]]
    assert heic and (heic[0]["width"], heic[0]["height"]) == ("600", "800")  # turned upright
    im = Image.open(site.out / heic[0]["src"].removeprefix("/hub/")).convert("RGB")
    r, g, b = im.getpixel((im.width // 2, 3))
    assert r > 150 and g < 90 and b < 90  # the sensor's red left edge is now the top


class Calls:
    """process_image's calls, counted in a file: worker processes (forked
    with the patch in place) count too."""

    def __init__(self, path):
        self.path = path
        path.write_text("")

    def __eq__(self, other):
        return self.path.read_text().split() == other

    def __len__(self):
        return len(self.path.read_text().split())

    def clear(self):
        self.path.write_text("")

    @classmethod
    def of_processing(cls, monkeypatch, path) -> Calls:
        """process_image patched to count each call here."""
        from fengchao.images import process

        calls, real = cls(path), process.process_image

        def counted(data, *args):
            with open(calls.path, "a") as f:
                f.write(f"{len(data)}\n")
            return real(data, *args)

        monkeypatch.setattr(process, "process_image", counted)
        return calls


def test_unchanged_photos_are_not_processed_again(site, build, cli, monkeypatch, tmp_path):

    calls = Calls.of_processing(monkeypatch, tmp_path / "calls")
    first = build(site, "--jobs", "1")
    assert first.code == 0
    assert len(calls) == 5  # every referenced source once (unused.jpg is not referenced)
    assert "处理了 5 张图片" in first.out  # the summary tells the editor (and bench/photo_site.py)
    calls.clear()
    site.write("news/2024/open-day.md", ARTICLE.replace("很多骑手", "很多很多骑手"))
    edited = build(site, "--jobs", "1")
    assert edited.code == 0 and "已生成" in edited.out and "张图片" not in edited.out
    assert calls == [] and "很多很多骑手" in site.read("news/open-day/index.html")
    site.write("images/rest.jpg", files.camera_jpeg(1800, 1200, orientation=1))
    replaced = build(site, "--jobs", "1")
    assert replaced.code == 0 and "处理了 1 张图片" in replaced.out
    assert len(calls) == 1
    assert Tags(site.read("news/open-day/index.html")).all("img")[1]["height"] == "800"
    calls.clear()
    assert cli("--root", site.root, "check").code == 0
    assert calls == []  # `check` shares the build cache's photos


def test_a_build_reads_only_the_photos_whose_file_changed(site, build, monkeypatch, tmp_path):
    """A photo's digest is kept by its file's stat: an article edit reads no
    photo; a touched photo is read and hashed but, its bytes the same, not
    processed; a checkout elsewhere (a CI job restoring the cache: new paths
    and mtimes) reads every photo and processes none. A file changed just
    before a build read it is not known by its stat (racy: digests.RACY_NS)."""
    from pathlib import Path

    from fengchao import digests

    monkeypatch.setattr(digests, "RACY_NS", 10**18)  # every file "just changed": none may be known by its stat
    calls = Calls.of_processing(monkeypatch, tmp_path / "calls")
    read = []
    real_read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: read.append(p.as_posix()) or real_read(p))

    def photos_read() -> list[str]:
        return sorted(path.rsplit("/", 1)[1] for path in read if "/content/images/" in path)

    assert build(site, "--jobs", "1").code == 0
    assert photos_read() == ["app.png", "open-day.jpg", "rest.jpg", "sign.heic", "station.jpg"] and len(calls) == 5
    read.clear()
    calls.clear()
    site.write("news/2024/open-day.md", ARTICLE.replace("很多骑手", "许多骑手"))
    assert build(site, "--jobs", "1").code == 0
    assert len(photos_read()) == 5 and calls == []  # just written: read again (racy), but not processed
    monkeypatch.setattr(digests, "RACY_NS", 0)  # from now on a stat is trusted at once...
    site.write("news/2024/open-day.md", ARTICLE)
    assert build(site, "--jobs", "1").code == 0  # ...once a build has read the file with it
    read.clear()
    site.write("news/2024/open-day.md", ARTICLE.replace("很多骑手", "很多很多骑手"))
    assert build(site, "--jobs", "1").code == 0
    assert photos_read() == [] and calls == []
    stat = (site.content / "images/rest.jpg").stat()
    os.utime(site.content / "images/rest.jpg", ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    site.write("news/2024/open-day.md", ARTICLE)
    touched = build(site, "--jobs", "1")
    assert touched.code == 0 and "张图片" not in touched.out
    assert photos_read() == ["rest.jpg"] and calls == []
    read.clear()
    site.write("images/rest.jpg", files.camera_jpeg(1800, 1200, orientation=1))
    assert build(site, "--jobs", "1").code == 0
    assert photos_read() == ["rest.jpg"] and len(calls) == 1
    read.clear()
    calls.clear()
    checkout = tmp_path / "checkout"
    shutil.copytree(site.root, checkout, copy_function=shutil.copyfile, ignore=shutil.ignore_patterns("site"))
    ci = build(Site(checkout), "--jobs", "1")
    assert ci.code == 0 and "张图片" not in ci.out
    assert len(photos_read()) == 5 and calls == []


def test_a_build_with_nothing_changed_reads_no_photo(site, build, monkeypatch):
    """The input fingerprint knows a photo by its stat once it has hashed it:
    a no-change build opens none; a touched photo is read once; new bytes
    written with the old size and mtime put back are still seen (ctime)."""
    from fengchao import digests
    from fengchao.cache import fingerprint

    monkeypatch.setattr(fingerprint, "LARGE", 1024)  # these photos are small, for speed; a camera's are 3-8 MB
    monkeypatch.setattr(digests, "RACY_NS", 10**18)  # every file "just changed": none may be known by its stat
    opened = []
    monkeypatch.setattr(fingerprint, "open", lambda path, mode: opened.append(str(path)) or open(path, mode), raising=False)

    def photos_opened() -> list[str]:
        found = sorted(path.rsplit("/", 1)[1] for path in opened if "/content/images/" in path)
        opened.clear()
        return found

    assert build(site).code == 0
    assert build(site).code == 0 and len(photos_opened()) == 12  # both builds read all six
    monkeypatch.setattr(digests, "RACY_NS", 0)  # from now on a stat is trusted at once
    assert build(site).code == 0
    photos_opened()
    same = build(site)
    assert same.code == 0 and "写入 0.0 MB" in same.out  # the no-change path: nothing built
    assert photos_opened() == []
    photo = site.content / "images/rest.jpg"
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert "写入 0.0 MB" in build(site).out and photos_opened() == ["rest.jpg"]
    assert "写入 0.0 MB" in build(site).out and photos_opened() == []
    data = bytearray(photo.read_bytes())
    data[-100] ^= 0xFF  # other bytes, the same size, the old mtime put back
    stat = photo.stat()
    photo.write_bytes(bytes(data))
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = build(site)
    assert changed.code == 0 and "处理了 1 张图片" in changed.out


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "图片文件是空的（0 字节）"),
        (files.camera_jpeg(800, 600)[:20_000], "图片文件不完整"),
        ("这不是图片".encode() * 100, "不是可以识别的图片文件"),
        (files.bomb_png(30_000, 30_000), "图片声明的尺寸大得异常（可能是“解压炸弹”文件）"),
    ],
)
def test_an_unusable_photo_fails_the_build_at_its_markdown_line(site, build, data, words):
    assert build(site).code == 0
    before = site.snapshot()
    site.write("images/rest.jpg", data)
    result = build(site)
    assert result.code == 1
    # The Markdown image is on line 10 of the article.
    assert f"content/news/2024/open-day.md:10: 图片 content/images/rest.jpg：{words}" in result.err
    assert site.snapshot() == before


def test_a_broken_station_photo_is_reported_at_its_src_line(site, build):
    site.write("images/station.jpg", files.camera_jpeg(800, 600)[:20_000])
    result = build(site)
    assert result.code == 1
    line = STATION.split("\n").index("    - src: ../images/station.jpg") + 1
    assert f"content/stations/s.yaml:{line}: 图片 content/images/station.jpg：图片文件不完整" in result.err


def test_an_svg_is_published_as_a_file_behind_img_and_one_with_a_script_is_refused(make_site, build):
    plain = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"><rect width="320" height="200" fill="#fc0"/></svg>'
    body = ARTICLE.split("---\n\n")[0].replace("image: ../../images/open-day.jpg\nimage_alt: 驿站门口，几位骑手在排队领取爱心包\n", "")
    site = make_site({"news/2024/map.md": body + "---\n\n示意图：\n\n![驿站位置示意图](../../images/map.svg)\n", "images/map.svg": plain})
    assert build(site).code == 0
    img = [a for a in Tags(site.read("news/map/index.html")).all("img") if a["src"].endswith("map.svg")]
    assert img == [{"src": "/hub/images/map.svg", "alt": "驿站位置示意图", "width": "320", "height": "200", "fetchpriority": "high"}]
    assert (site.out / "images/map.svg").read_bytes() == plain
    assert "<rect" not in site.read("news/map/index.html")
    site.write("images/map.svg", files.SVG_WITH_SCRIPT)
    result = build(site)
    assert result.code == 1
    # Refused when content/ is loaded, at the line of the script in the SVG
    # itself (docs/security.md: static SVG publishes only if inert).
    assert "content/images/map.svg:3: 这个 SVG 不会发布：其中有 <script>" in result.err


def test_checker_warns_of_a_huge_source_and_a_narrow_cover(make_site, build, cli):
    wide = io.BytesIO()
    Image.new("RGB", (8200, 300), (200, 220, 240)).save(wide, "PNG")
    article = ARTICLE.replace("open-day.jpg", "small.jpg").replace("rest.jpg", "wide.png")
    site = make_site(
        {
            "news/2024/open-day.md": article,
            "images/small.jpg": files.camera_jpeg(600, 450, orientation=1),
            "images/wide.png": wide.getvalue(),
            "images/app.png": files.screenshot(),
        }
    )
    result = build(site)
    assert result.code == 0
    assert "content/news/2024/open-day.md:10: 警告：图片 content/images/wide.png：原图很大（8200×300 像素" in result.err
    assert "请换一张长边 4000 像素以内" in result.err
    assert "content/news/2024/open-day.md:4: 警告：图片 content/images/small.jpg：封面只有 600 像素宽" in result.err
    checked = cli("--root", site.root, "check")
    assert "封面只有 600 像素宽" in checked.err and "原图很大" in checked.err
