"""The editor's guide says what fengchao prints, word for word.

Chapter 7 of docs/editor-guide.md lists the messages an editor meets, in two
tables (YAML syntax errors; the common errors). Each message there is looked
for in the output of real `fengchao check` (and usage) runs on small bad
projects (bad YAML and fields, links, photos, the output's links): a
message the program no longer prints, or prints differently,
fails here, so the guide cannot drift from the program. In the guide, `…`
and `……` stand for what the editor wrote; every other character must match.
Each message must also be reported at the file and line the bad input puts it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from conftest import copy_theme
from fengchao.cli import main
from tests import imagefiles as files

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "editor-guide.md"

FM = "---\n{}\n---\n\n{}\n"
STATION = "- id: {}\n  name: 测试站点\n  district: 萨尔图区\n  address: 测试路1号\n  location: {{lat: {}, lng: 125.02}}\n  amenities: [seating]\n"


def news(front: str, body: str = "正文。") -> str:
    return FM.format(front, body)


def station(station_id: str, lat: float, extra: str = "") -> str:
    """A good station, at its own latitude (two at one point would be a warning)."""
    return STATION.format(station_id, lat) + extra


# Projects of bad files, each file with the line its problem must be reported
# at (0: no line). A project stops at its first failing stage (validate, then
# assemble, then the output link check), so each stage has its own project.
CONTENT = {
    "news/2024/no-title.md": (news("date: 2024-08-19"), 1),
    "news/2024/bad-date.md": (news("title: 测试\ndate: 2024年8月20日"), 3),
    "news/2024/tag.md": (news("title: 测试\ndate: 2024-08-19\ntag: !abc 标签"), 4),
    "news/2024/quote.md": (news('title: "测试新闻\ndate: 2024-08-19'), 2),
    "news/2024/bracket.md": (news("title: 测试\ntags: [快递小哥, 关工委\ndate: 2024-08-19"), 3),
    "news/2024/twice.md": (news("title: 测试\ntitle: 又一个\ndate: 2024-08-19"), 3),
    "news/2024/nocolon.md": (news("title: 测试\ndate 2024-08-19"), 3),
    "news/2024/colon.md": (news("title: 通知: 明天开放\ndate: 2024-08-19"), 2),
    "news/2024/full-width-colon.md": (news("title：测试\ndate: 2024-08-19"), 2),
    "news/2024/indent.md": (news("title: 测试\ndate: 2024-08-19\ntags:\n  - 快递小哥\n - 关工委"), 6),
    "news/2024/tab.md": (news("title: 测试\n\tdate: 2024-08-19"), 3),
    "news/2024/alias.md": (news("title: *new 通知\ndate: 2024-08-19"), 2),
    "news/2024/control.md": (news("title: 测\x07试\ndate: 2024-08-19"), 2),
    "news/2024/auther.md": (news("title: 测试\ndate: 2024-08-19\nauther: 张三"), 4),
    "news/2024/slug.md": (news("title: 测试\ndate: 2024-08-19\nslug: Kuaidi_News"), 4),
    "news/2024/！！.md": (news("title: 测试\ndate: 2024-08-19"), 1),
    "news/2024/page-slug.md": (news("title: 测试\ndate: 2024-08-19\nslug: page"), 4),
    "news/2024/dup.md": (news("title: 测试\ndate: 2024-08-19"), 1),
    "news/2025/dup.md": (news("title: 测试\ndate: 2025-08-19"), 1),
    "news/2024/source.md": (news("title: 测试\ndate: 2024-08-19\nsource_url: www.example.org"), 4),
    "news/2024/draft.md": (news("title: 测试\ndate: 2024-08-19\ndraft: 是"), 4),
    "news/2024/noalt.md": (news("title: 测试\ndate: 2024-08-19\nimage: ../../images/a.jpg"), 4),
    "news/2024/gbk.md": (news("title: 测试\ndate: 2024-08-19").encode("gbk"), 2),
    "news/2024/utf16.md": (news("title: 测试\ndate: 2024-08-19").encode("utf-16"), 1),
    "news/2024/nofm.md": ("title: 测试\n\n正文\n", 1),
    "news/2024/unclosed.md": ("---\ntitle: 测试\ndate: 2024-08-19\n\n正文\n", 1),
    "news/2024/notmap.md": (news("title测试"), 2),
    "news/2024/aliases.md": (news("title: 测试\ndate: 2024-08-19\naliases: [news/old/]"), 4),
    "guides/topic.md": (news("title: 测试\ntopic: 补贴申请"), 3),
    "guides/stations.md": (news("title: 测试\ntopic: 补助申请\nstations: [longfeng-zhongtong]"), 4),
    "guides/contacts.md": (news("title: 测试\ntopic: 补助申请\ncontacts:\n  - phone: '123'"), 5),
    "guides/order.md": (news("title: 测试\ntopic: 补助申请\norder: 第一"), 4),
    "guides/sub/nested.md": (news("title: 测试\ntopic: 补助申请"), 0),
    "stations/gaoxin.yaml": ("# 真实站点\n# 坐标待核对\n" + station("gaoxin-shunfeng", 46.60), 0),
    "stations/longfeng.yaml": (station("gaoxin-shunfeng", 46.61), 1),  # after gaoxin.yaml: the one reported
    "stations/no-address.yaml": (station("s-noaddr", 46.62).replace("  address: 测试路1号\n", ""), 1),
    "stations/opened.yaml": (station("s-opened", 46.63, "  opened: 2023年6月\n"), 7),
    "stations/bad-id.yaml": (station("Longfeng_Zhongtong", 46.64), 1),
    "stations/district-near.yaml": (station("s-d1", 46.65).replace("萨尔图区", "龙凤"), 3),
    "stations/district-far.yaml": (station("s-d2", 46.66).replace("萨尔图区", "大庆市"), 3),
    "stations/amenity.yaml": (station("s-am", 46.67).replace("[seating]", "[water]"), 6),
    "stations/amenities.yaml": (station("s-am2", 46.68).replace("[seating]", "seating"), 6),
    "stations/swapped.yaml": (station("s-swap", 46.69).replace("{lat: 46.69, lng: 125.02}", "{lat: 125.137, lng: 46.556}"), 5),
    "stations/quoted.yaml": (station("s-quoted", 46.70).replace("{lat: 46.7, lng: 125.02}", "{lat: '46.5', lng: 125.1}"), 5),
    "stations/flat.yaml": (station("s-flat", 46.71).replace("{lat: 46.71, lng: 125.02}", "46.5, 125.1"), 5),
    "stations/zero.yaml": (station("s-zero", 46.72).replace("{lat: 46.72, lng: 125.02}", "{lat: 0.0, lng: 0.0}"), 5),
    "stations/far.yaml": (station("s-far", 44.6), 5),
    "stations/same.yaml": (station("s-same1", 46.73) + station("s-same2", 46.73), 11),
    "stations/datum.yaml": (station("s-datum", 46.74, "  datum: baidu\n"), 7),
    "stations/photo.yaml": (station("s-photo", 46.75, "  photos:\n    - src: ../images/a.jpg\n"), 8),
    "stations/adress.yaml": (station("s-adress", 46.76, "  adress: 测试路\n"), 7),
    "stations/sample.yaml": (station("s-sample", 46.77, "  sample: 是\n"), 7),
    "stations/not-list.yaml": ("name: y\naddress: z\n", 1),
    "stations/item.yaml": ("- 某某\n", 1),
    "news/2024/pipe.md": (news("title: |x\ndate: 2024-08-19"), 2),
    "news/2024/bidi.md": (news("title: 测\u202e试\ndate: 2024-08-19"), 2),
    "news/2024/escaped.md": (news('title: "测\\x1b试"\ndate: 2024-08-19'), 2),
    "news/2024/body-control.md": (news("title: 测试\ndate: 2024-08-19", "正\x1b文"), 6),
    "news/2024/cover-js.md": (news("title: 测试\ndate: 2024-08-19\nimage: javascript:alert(1)\nimage_alt: 图"), 4),
    "news/2024/cover-cdn.md": (news("title: 测试\ndate: 2024-08-19\nimage: //cdn.example.com/a.png\nimage_alt: 图"), 4),
    "news/2024/long-slug.md": (news("title: 测试\ndate: 2024-08-19\nslug: " + "a" * 130), 4),
    "news/2024/long-tag.md": (news("title: 测试\ndate: 2024-08-19\ntags: [" + "蜂" * 40 + "]"), 4),
    "pages/form.html": ("<form></form>", 0),
    "images/logo.svg": ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 1),
}
LINKS = {
    "news/2024/link.md": (news("title: 链接\ndate: 2024-08-19", "第一段。\n\n见[指南](../guides/qingxiaoyi.md)。"), 8),
    "news/2024/image.md": (news("title: 图片\ndate: 2024-08-19", "![说明](../../images/none.jpg)"), 6),
    "news/2024/outside.md": (news("title: 外面\ndate: 2024-08-19", "[文件](../../../x.md)"), 6),
    "news/2024/cover.md": (news("title: 封面\ndate: 2024-08-19\nimage: ../../images/none.jpg\nimage_alt: 说明"), 4),
    "stations/photo-path.yaml": (station("s-photo", 46.6, "  photos:\n    - src: ../images/none.jpg\n      alt: 说明\n"), 1),
    "pages/news.md": (news("title: 新闻页"), 1),
    "news/2024/backslash.md": (news("title: 测试\ndate: 2024-08-19", "![图](images\\a.png)"), 6),
    "news/2024/shortcode.md": (news("title: 短代码\ndate: 2024-08-19", "{{< station gaoxin-shunfeng >}}"), 6),
    "news/2024/embed.md": (news("title: 嵌入\ndate: 2024-08-19", "第一段。\n\n> [!站点] gaoxin-shunfeng"), 8),
    "news/2024/embed-id.md": (news("title: 嵌入\ndate: 2024-08-19", "> [!驿站] nowhere"), 6),
    "news/2024/embed-none.md": (news("title: 嵌入\ndate: 2024-08-19", "> [!地图]"), 6),
    "news/2024/embed-two.md": (news("title: 嵌入\ndate: 2024-08-19", "> [!驿站] a b"), 6),
    "news/2024/embed-map.md": (news("title: 嵌入\ndate: 2024-08-19", "> [!地图] " + " ".join(f"s{n}" for n in range(13))), 6),
    "news/2024/contact.md": (news("title: 联系\ndate: 2024-08-19", "> [!联系] 某单位\n> 传真：1"), 7),
    "news/2024/contact-name.md": (news("title: 联系\ndate: 2024-08-19", "> [!联系]\n> 电话：1"), 6),
}


def shows(name: str, front: str = "") -> str:
    """An article whose body (line 6) shows content/images/NAME."""
    return news(f"title: 图片 {name}\ndate: 2024-08-19{front}", f"![说明](../../images/{name})")


def cover(name: str) -> str:
    """An article whose cover is content/images/NAME (reported at its `image:` line, the 4th)."""
    return news(f"title: 封面 {name}\ndate: 2024-08-19\nimage: ../../images/{name}\nimage_alt: 说明")


# Each bad image is shown by its own article: the message is reported at the
# article's line that shows it. The image files themselves carry no line.
IMAGES = {
    "news/2024/img-empty.md": (shows("empty.jpg"), 6),
    "images/empty.jpg": (b"", 0),
    "news/2024/img-cut.md": (shows("cut.jpg"), 6),
    "images/cut.jpg": (files.camera_jpeg(800, 600)[:20_000], 0),
    "news/2024/img-text.md": (shows("text.jpg"), 6),
    "images/text.jpg": ("这不是图片".encode() * 100, 0),
    "news/2024/img-broken.md": (shows("broken.jpg"), 6),
    "images/broken.jpg": (files.broken_jpeg(), 0),
    "news/2024/img-bomb.md": (shows("bomb.png"), 6),
    "images/bomb.png": (files.bomb_png(30_000, 30_000), 0),
    "news/2024/img-pixels.md": (shows("pixels.png"), 6),
    "images/pixels.png": (files.bomb_png(9_000, 8_000), 0),
    "news/2024/img-huge.md": (shows("huge.jpg"), 6),
    "images/huge.jpg": (b"\xff\xd8\xff" + bytes(41 * 1024 * 1024), 0),
    "news/2024/img-wide.md": (shows("wide.png"), 6),
    "images/wide.png": (files.plain_png(8_200, 300), 0),
    "news/2024/img-narrow.md": (cover("narrow.jpg"), 4),
    "images/narrow.jpg": (files.camera_jpeg(600, 450, orientation=1), 0),
    "news/2024/img-gif.md": (shows("moving.gif"), 6),
    "images/moving.gif": (files.animated_gif(), 0),
    "news/2024/img-profile.md": (shows("profile.png"), 6),
    "images/profile.png": (files.screenshot(), 0),
    "news/2024/img-svg.md": (shows("page.svg"), 6),
    "images/page.svg": ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><p>不是图</p></html>\n', 0),
}
OUTPUT = {
    "news/2024/a.md": (news("title: 测试\ndate: 2024-08-19", "## 站里有什么\n\n[驿站](/stations/gaoxin-shunfen/)"), 8),
    "news/2024/b.md": (news("title: 锚点\ndate: 2024-08-19", "## 站里有什么\n\n[看看](#站里有啥)"), 8),
}


def guide_messages() -> list[str]:
    """The messages in chapter 7's tables: code spans with Chinese text in
    the first cell of each row (`date`, `sample` and the like are not messages)."""
    text = GUIDE.read_text(encoding="utf-8")
    chapter = text[text.index("## 7. ") : text.index("## 8. ")]
    found = []
    for line in chapter.splitlines():
        if not line.startswith("| `"):
            continue
        first = line.split(" | ")[0]
        found += [span for span in re.findall(r"`([^`]+)`", first) if re.search(r"[\u4e00-\u9fff]", span)]
    return found


MESSAGES = guide_messages()


def pattern(message: str) -> re.Pattern:
    """`path:line: message`, `path: message` or `fengchao: message`, where
    `…` and `……` in the guide's message stand for any text."""
    body = re.escape(message).replace("……", ".+?").replace("…", ".+?")
    return re.compile(rf"(?:(?P<path>[^\s:]+?)(?::(?P<line>\d+))?(?::\d+)?: )?{body}")


def make_project(folder: Path, files: dict) -> Path:
    copy_theme(folder)
    shutil.copyfile(REPO / "site.yaml", folder / "site.yaml")
    (folder / "content").mkdir()
    for rel, (data, _) in files.items():
        path = folder / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return folder


def run(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in args])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[list[str], dict[str, int]]:
    """Every line the bad projects made fengchao print, and where each bad file's problem belongs."""
    lines, where = [], {}
    # One `where` for all projects: a file name used twice would mix their lines.
    projects = (("content", CONTENT), ("links", LINKS), ("images", IMAGES), ("output", OUTPUT))
    assert sum(len(bad) for _, bad in projects) == len({rel for _, bad in projects for rel in bad})
    for name, bad in projects:
        root = make_project(tmp_path_factory.mktemp(name), bad)
        code, err = run("--root", root, "check")
        assert code == 1, err
        assert "Traceback" not in err and "内部错误" not in err, err
        lines += err.splitlines()
        where.update({f"content/{rel}": line for rel, (_, line) in bad.items()})
    usage = make_project(tmp_path_factory.mktemp("usage"), {})
    other = tmp_path_factory.mktemp("other")
    (other / "notes.txt").write_text("别人的文件", encoding="utf-8")
    for args in (
        ("build", "--out", other),
        ("build", "--out", usage / "content"),
        ("build", "--out", usage / "content" / "site"),
        ("new", "news", "测试"),
        ("new", "news", "测试"),
    ):
        lines += run("--root", usage, *args)[1].splitlines()
    lines += run("--root", other, "check")[1].splitlines()
    return lines, where


def test_the_guide_lists_the_messages_of_chapter_7():
    # A table the parser no longer reads would make every other test pass vacuously.
    assert len(MESSAGES) >= 50, MESSAGES
    assert "站点缺少必填字段 address" in MESSAGES
    assert "YAML 语法错误：这一行缺少冒号。每个字段应写成“字段: 值”，冒号后要有一个空格" in MESSAGES
    assert "图片 content/…：图片文件是空的（0 字节），可能没有上传完整；请重新放入原图" in MESSAGES  # the photo rows (IMAGES)


@pytest.mark.parametrize("message", MESSAGES, ids=[m[:30] for m in MESSAGES])
def test_fengchao_prints_the_message_the_guide_shows(message, printed):
    lines, where = printed
    found = [m for m in map(pattern(message).fullmatch, lines) if m]
    assert found, f"the guide shows a message fengchao does not print: {message}\n" + "\n".join(lines)
    for match in found:
        if match["path"] in where:  # a problem in a bad file: at the file and line its input puts it
            assert int(match["line"] or 0) == where[match["path"]], match.group(0)
