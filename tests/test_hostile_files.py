"""Hostile and odd files: each builds correctly or fails with `path:line:
message` naming the limit — never a hang, a traceback, a memory blow-up, or
a write outside the output folder (or into content/).

BOM + CRLF, GBK and missing fences are in test_bad_input.py.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import imagefiles
import pytest

from conftest import MINIMAL_ARTICLE, MINIMAL_GUIDE, MINIMAL_STATION, REPO
from fengchao.content.load import MAX_FILE_BYTES, MAX_YAML_ALIASES, MAX_YAML_DEPTH, MAX_YAML_VALUES

GOOD = {"news/2024/good.md": MINIMAL_ARTICLE, "guides/good.md": MINIMAL_GUIDE, "stations/good.yaml": MINIMAL_STATION}

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n" for prev, name in zip([None, *"abcdefgh"], "abcdefghi")
)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def hostile(make_site, build, tmp_path):
    """hostile({rel: text}) adds files to a good site and builds it; checks
    there is no crash, content/ is unchanged and nothing appeared outside
    the project except the output."""

    def run(files: dict[str, str | bytes], *extra: str):
        site = make_site(GOOD)
        for rel, text in files.items():
            site.write(rel, text)
        content_before = tree(site.content)
        outside_before = sorted(p.name for p in tmp_path.iterdir())
        result = build(site, *extra)
        assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
        assert result.code in (0, 1), result.err
        assert tree(site.content) == content_before, "the build wrote into content/"
        assert sorted(p.name for p in tmp_path.iterdir()) == outside_before
        return site, result

    return run


def only_problem(result) -> str:
    lines = [line for line in result.err.splitlines() if line.startswith("content/")]
    assert result.code == 1 and len(lines) == 1, result.err
    return lines[0]


def test_billion_laughs_in_front_matter(hostile):
    _, result = hostile({"news/a.md": f"---\ntitle: 笑\ndate: 2024-08-19\n{LAUGHS}---\n\n正文\n"})
    # a: is file line 4; f (1 + 9 × 66,430 values) is the first key over the limit.
    line = only_problem(result)
    assert line.startswith(f"content/news/a.md:9: YAML 别名（&/*）展开后超过 {MAX_YAML_VALUES} 个值的上限"), line


def test_billion_laughs_in_a_station_file(hostile):
    station = "- id: x\n  name: 炸弹\n" + "".join("  " + line + "\n" for line in LAUGHS.splitlines())
    _, result = hostile({"stations/bomb.yaml": station})
    line = only_problem(result)
    assert line.startswith(f"content/stations/bomb.yaml:8: YAML 别名（&/*）展开后超过 {MAX_YAML_VALUES} 个值的上限"), line


def test_too_many_aliases(hostile):
    refs = ", ".join(["*a"] * (MAX_YAML_ALIASES + 1))
    _, result = hostile({"news/a.md": f"---\ntitle: 引用\ndate: 2024-08-19\nx: &a 1\ny: [{refs}]\n---\n"})
    assert only_problem(result).startswith(f"content/news/a.md:5: YAML 别名（*引用）超过 {MAX_YAML_ALIASES} 个的上限")


@pytest.mark.parametrize(
    "nested, line",
    [("[" * 200 + "]" * 200, 4), ("".join("  " * i + "- \n" for i in range(60)), 4 + MAX_YAML_DEPTH)],
    ids=["flow", "block"],
)
def test_deep_nesting_names_the_limit(hostile, nested, line):
    sep = "\n" if nested.startswith(" ") or nested.startswith("-") else " "
    _, result = hostile({"news/a.md": f"---\ntitle: 深\ndate: 2024-08-19\nx:{sep}{nested}\n---\n"})
    shown = only_problem(result)
    assert shown.startswith("content/news/a.md:") and f"YAML 嵌套超过 {MAX_YAML_DEPTH} 层的上限" in shown, shown
    assert int(shown.split(":")[1]) == line, shown


def test_ten_megabyte_article_builds(hostile):
    paragraph = "城市小蜜蜂在大街小巷穿梭，服务千家万户，驿站为他们提供歇脚的地方。" * 10 + "\n\n"
    body = paragraph * (10 * 1024 * 1024 // len(paragraph.encode()))
    site, result = hostile({"news/big.md": f"---\ntitle: 很长的文章\ndate: 2024-08-19\n---\n\n{body}"})
    assert result.code == 0, result.err
    html = site.read("news/big/index.html")
    assert html.count("<p>城市小蜜蜂") == body.count("\n\n")


def test_file_over_the_size_limit(hostile):
    big = b"---\ntitle: x\ndate: 2024-08-19\n---\n" + b"a" * (MAX_FILE_BYTES + 1024 * 1024)
    _, result = hostile({"news/huge.md": big})
    limit_mb = MAX_FILE_BYTES // 1024 // 1024
    assert only_problem(result) == f"content/news/huge.md: 文件过大（{limit_mb + 1} MB），上限为 {limit_mb} MB"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "content/news/a.md:1: 文件开头缺少前置信息"),
        ("---", "content/news/a.md:1: 前置信息没有结束"),
        ("---\n", "content/news/a.md:1: 前置信息没有结束"),
        ("---\n---\n", "content/news/a.md:1: 缺少必填字段 title"),
    ],
    ids=["empty", "only-fence", "only-fence-newline", "empty-front-matter"],
)
def test_empty_and_fence_only_files(hostile, text, expected):
    _, result = hostile({"news/a.md": text})
    assert result.code == 1
    assert expected in result.err, result.err


def test_empty_station_file_is_an_empty_list(hostile):
    site, result = hostile({"stations/empty.yaml": ""})
    assert result.code == 0, result.err
    assert (site.out / "stations/test-1/index.html").is_file()


def test_nul_bytes_are_reported_with_their_line(hostile):
    _, result = hostile({"news/a.md": b"---\ntitle: x\ndate: 2024-08-19\n---\n\nok\nbad\x00line\n"})
    assert only_problem(result) == "content/news/a.md:7: 文件中含有空字符（NUL），可能不是文本文件"


def test_symlink_loops_messages(make_site, cli):
    site = make_site(GOOD)
    os.symlink("..", site.content / "news" / "loop")
    os.symlink("b.md", site.content / "news" / "a.md")
    os.symlink("a.md", site.content / "news" / "b.md")
    result = cli("--root", site.root, "build")
    assert result.code == 1 and "Traceback" not in result.err
    assert "content/news/loop: 符号链接形成循环（文件夹链接到了自己的上级），已跳过" in result.err
    assert "content/news/a.md: 符号链接形成循环（或指向的文件不存在），已跳过" in result.err
    assert "content/news/b.md: 符号链接形成循环（或指向的文件不存在），已跳过" in result.err
    assert not site.out.exists()


def test_symlinks_out_of_content_are_refused(make_site, cli, tmp_path):
    secret = tmp_path / "outside"
    secret.mkdir()
    (secret / "id_rsa").write_text("PRIVATE KEY", encoding="utf-8")
    (secret / "leak.md").write_text("---\ntitle: 泄露\ndate: 2024-08-19\n---\n\nPRIVATE\n", encoding="utf-8")
    site = make_site(GOOD)
    (site.content / "pages").mkdir(exist_ok=True)
    os.symlink(secret / "id_rsa", site.content / "pages" / "key.txt")
    os.symlink(secret / "leak.md", site.content / "news" / "leak.md")
    os.symlink(secret, site.content / "news" / "dir")
    result = cli("--root", site.root, "build")
    assert result.code == 1 and "Traceback" not in result.err
    for rel in ["content/pages/key.txt", "content/news/leak.md", "content/news/dir"]:
        assert f"{rel}: 符号链接指向内容文件夹之外，已拒绝" in result.err, result.err
    assert result.err.count("符号链接指向内容文件夹之外") == 3  # the folder once, not per file
    assert not site.out.exists()


def test_chinese_file_name_without_slug_gets_a_pinyin_url(hostile):
    """The web editor names a file after its Chinese title; it is published, as tags are, under its pinyin."""
    site, result = hostile({"news/2024/快递 小哥.md": MINIMAL_ARTICLE})
    assert result.code == 0, result.err
    assert "测试新闻" in site.read("news/kuai-di-xiao-ge/index.html")


def test_file_name_with_nothing_to_spell_is_a_clear_error(hostile):
    _, result = hostile({"news/2024/！！.md": MINIMAL_ARTICLE})
    shown = only_problem(result)
    assert shown.startswith("content/news/2024/！！.md:1: 文件名 '！！' 不能用作网址"), shown


def test_chinese_file_name_with_slug_and_chinese_image_names_work(hostile):
    article = MINIMAL_ARTICLE.replace("title: 测试新闻", "title: 快递小哥的新闻\nslug: kuaidi-xiaoge") + "\n![合影](<照片 一.png>)\n"
    site, result = hostile({"news/2024/快递 小哥.md": article, "news/2024/照片 一.png": imagefiles.screenshot(320, 200)})
    assert result.code == 0, result.err
    html = site.read("news/kuaidi-xiaoge/index.html")
    src = re.search(r'<img[^>]*src="([^"]+)"', html[html.index('alt="合影"') - 400 :]).group(1)
    assert " " not in src and "%20" in src  # a valid URL
    assert (site.out / unquote(src.removeprefix("/hub/"))).is_file()  # a rendition, named after the source


def test_a_named_pipe_does_not_hang_the_build(make_site):
    site = make_site(GOOD)
    os.mkfifo(site.content / "news" / "pipe.md")
    os.mkfifo(site.content / "news" / "photo.jpg")
    # Reading either would block forever; a subprocess with a timeout turns
    # such a regression into a failure instead of a stuck CI job.
    result = subprocess.run(
        [sys.executable, "-m", "fengchao", "--root", str(site.root), "build"], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for rel in ["content/news/pipe.md", "content/news/photo.jpg"]:
        assert f"{rel}: 不是普通文件（可能是管道或设备文件），已跳过" in result.stderr


def test_control_character_in_front_matter(hostile):
    _, result = hostile({"news/a.md": "---\ntitle: 标题\ndate: 2024-08-19\nsummary: 从网页复制\x0b的文字\n---\n\n正文\n"})
    assert only_problem(result) == ("content/news/a.md:4: 含有不可见的控制字符（U+000B），YAML 不允许。请删除它（常见于从网页或 Word 复制的文字）")
