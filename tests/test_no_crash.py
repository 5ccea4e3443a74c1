"""No exit 3 for anything a user can cause: every limit is `path:line:
message`, every file-system failure a clear message with exit 1 or 2 and a
way out, and a left-over `.site.prev` the build cannot use is thrown away
by the build itself. Full disks, unreadable files and read-only folders are
simulated (the suite may run as root, which permissions do not stop)."""

from __future__ import annotations

import builtins
import errno
import os

import pytest

import fengchao.output.write as write_module
from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, MINIMAL_STATION

GOOD = {"news/2024/good.md": MINIMAL_ARTICLE, "guides/good.md": MINIMAL_GUIDE, "stations/good.yaml": MINIMAL_STATION}


def no_crash(result) -> None:
    assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
    assert result.code in (0, 1, 2), result.err


def one_problem(result, prefix: str) -> str:
    no_crash(result)
    lines = [line for line in result.err.splitlines() if line.startswith(prefix)]
    assert result.code == 1 and len(lines) == 1, result.err
    return lines[0]


# --- limits on names ---------------------------------------------------------


def test_a_300_character_slug_is_an_error_at_its_line(make_site, build):
    article = MINIMAL_ARTICLE.replace("title: 测试新闻", "title: 测试新闻\nslug: " + "a" * 300)
    shown = one_problem(build(make_site({**GOOD, "news/2024/good.md": article})), "content/news/2024/good.md")
    assert shown.startswith("content/news/2024/good.md:3: slug 太长（300 个字符），上限 120 个"), shown


def test_a_long_file_name_as_slug_is_an_error_at_line_1(make_site, build):
    name = "b" * 200
    shown = one_problem(build(make_site({**GOOD, f"pages/{name}.md": "---\ntitle: 长\n---\n\n正文\n"})), f"content/pages/{name}.md")
    assert shown.startswith(f"content/pages/{name}.md:1: 文件名太长（200 个字符）"), shown


@pytest.mark.parametrize(
    "field, value, line",
    [
        ("tags", "[" + "蜂" * 60 + ", 好标签]", 4),
        ("category", "壮" * 40, 5),
        ("tags", "[" + "x" * 300 + "]", 4),
    ],
)
def test_long_tags_and_categories_are_errors_at_their_line(make_site, build, field, value, line):
    article = "---\ntitle: 标题\ndate: 2024-08-19\ntags: [短]\ncategory: 分类\n---\n\n正文\n"
    article = article.replace("tags: [短]" if field == "tags" else "category: 分类", f"{field}: {value}")
    shown = one_problem(build(make_site({**GOOD, "news/2024/good.md": article})), "content/news/2024/good.md")
    assert shown.startswith(f"content/news/2024/good.md:{line}: {field} 中的") and "上限 30 个" in shown, shown


def test_a_long_station_id_is_an_error_at_its_line(make_site, build):
    station = MINIMAL_STATION.replace("id: test-1", "id: " + "s" * 300)
    shown = one_problem(build(make_site({**GOOD, "stations/good.yaml": station})), "content/stations/good.yaml")
    assert shown.startswith("content/stations/good.yaml:1: 站点 id 太长（300 个字符）"), shown


def test_term_slugs_never_exceed_a_folder_name():
    from fengchao.site.news import term_slugs

    slugs = term_slugs(["㎞" * 30, "⑽" * 30, "ﬃ" * 30, "x" * 300])
    assert all(len(s.encode()) <= 255 for s in slugs.values()) and len(set(slugs.values())) == 4


# --- file-system failures ----------------------------------------------------


def test_an_unreadable_static_file_is_a_problem_with_its_path(make_site, build, monkeypatch):
    site = make_site({**GOOD, "news/2024/table.pdf": b"%PDF-1.4"})
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):
        if str(file).endswith("table.pdf"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    result = build(site, "--jobs", "1")
    shown = one_problem(result, "content/news/2024/table.pdf")
    assert shown == "content/news/2024/table.pdf: 无法读取文件：没有权限。请检查这个文件或文件夹的权限（或换一个 --out 输出文件夹）", shown


def test_a_full_disk_is_exit_2_with_a_way_out_and_the_site_unchanged(make_site, build, monkeypatch):
    site = make_site(GOOD)
    assert build(site).code == 0
    before = site.snapshot()
    site.write("news/2024/good.md", MINIMAL_ARTICLE.replace("正文第一段。", "改过的正文。"))

    def full(root, rel, data, tree):
        raise OSError(errno.ENOSPC, "No space left on device", os.path.join(root, rel))

    monkeypatch.setattr(write_module, "_create", full)
    result = build(site)
    no_crash(result)
    assert result.code == 2, result.err
    assert "磁盘已满" in result.err and "可以放心删除" in result.err, result.err
    assert site.snapshot() == before


def test_a_read_only_output_parent_is_exit_2(make_site, build, monkeypatch):
    site = make_site(GOOD)
    real_mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if os.path.dirname(os.path.abspath(path)) == str(site.root):
            raise OSError(errno.EROFS, "Read-only file system", path)
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    result = build(site, "--jobs", "1")
    no_crash(result)
    assert result.code == 2 and "只读" in result.err and "--out" in result.err, result.err


def test_a_left_over_prev_it_cannot_write_into_is_thrown_away(make_site, build, monkeypatch):
    """The output was made read-only once: its swapped-out copy (.site.prev)
    cannot be written into. The build recovers by itself, every time."""
    site = make_site(GOOD)
    assert build(site).code == 0
    site.write("news/2024/good.md", MINIMAL_ARTICLE.replace("正文第一段。", "第二版。"))
    assert build(site).code == 0
    prev = site.root / ".site.prev"
    assert prev.is_dir()
    stuck = {os.stat(p).st_ino for p in prev.rglob("*.html")}
    real_unlink = os.unlink

    def read_only(path, *args, **kwargs):
        name = os.fsdecode(path)
        if ".site.tmp-" in name and os.lstat(name, dir_fd=kwargs.get("dir_fd")).st_ino in stuck:
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", read_only)
    for text in ("第三版。", "第四版。"):
        site.write("news/2024/good.md", MINIMAL_ARTICLE.replace("正文第一段。", text))
        result = build(site, "--no-cache")
        assert result.code == 0, result.err
        assert text in site.read("news/good/index.html")
