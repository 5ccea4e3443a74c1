"""`fengchao import` tells the truth: a page's declared encoding is honoured
and a guess is said; a page too big to publish is refused at import with the
limit; text that was text on the page stays text in the draft (and so on the
built page)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import frontmatter
import pytest

from conftest import MINIMAL_STATION
from fengchao.content.load import MAX_FILE_BYTES


def page(charset: str | None, title: str, paragraph: str) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    # The date line in simplified characters only where the page is (Big5 cannot hold them).
    dated = "<p>发布时间：2024-08-19 来源：大庆日报</p>" if title.isascii() or "让" in title or "骑" in title else ""
    return (
        f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><h1>{title}</h1>"
        f"{dated}<p>{paragraph}</p><p>责任编辑：李红</p></body></html>".replace("责任编辑：李红", "责任编辑：李红" if dated else "責任編輯：李紅")
    )


def imported(cli, site, path):
    result = cli("--root", site.root, "import", path)
    assert "Traceback" not in result.err and "内部错误" not in result.err, result.err
    return result, (frontmatter.loads(open(result.out.strip(), encoding="utf-8").read()) if result.code == 0 else None)


@pytest.mark.parametrize(
    "charset, encoding, title, paragraph",
    [
        ("big5", "big5", "讓城市小蜜蜂快樂飛翔", "感謝大慶市關工委，讓孩子能安心上學。"),
        ("BIG5", "big5", "騎手驛站開放時間", "外賣騎手們在這裡休息、喝水、充電。"),
        ("gbk", "gbk", "让城市小蜜蜂快乐飞翔", "感谢大庆市关工委，让孩子能安心上学。"),
        ("gb2312", "gb2312", "骑手驿站开放时间", "外卖骑手们在这里休息、喝水、充电。"),
        ("utf-8", "utf-8", "让城市小蜜蜂快乐飞翔", "感谢大庆市关工委，让孩子能安心上学。"),
    ],
)
def test_the_declared_encoding_is_honoured(make_site, cli, tmp_path, charset, encoding, title, paragraph):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    source = tmp_path / "page.html"
    source.write_bytes(page(charset, title, paragraph).encode(encoding))
    result, post = imported(cli, site, source)
    assert result.code == 0, result.err
    assert post["title"] == title and paragraph in post.content
    assert "注意" not in result.err


def test_an_undeclared_big5_page_is_read_as_big5_and_the_guess_said(make_site, cli, tmp_path):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    source = tmp_path / "page.html"
    source.write_bytes(page(None, "讓城市小蜜蜂快樂飛翔", "感謝大慶市關工委，讓孩子能安心上學。外賣騎手們在這裡休息。").encode("big5"))
    result, post = imported(cli, site, source)
    assert result.code == 0, result.err
    assert post["title"] == "讓城市小蜜蜂快樂飛翔"
    assert "已按 Big5 读取（猜测）" in result.err


def test_a_page_that_is_not_what_it_declares_is_flagged(make_site, cli, tmp_path):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    source = tmp_path / "page.html"
    source.write_bytes(page("big5", "让城市小蜜蜂快乐飞翔", "感谢大庆市关工委，让孩子能安心上学。").encode("utf-8"))
    result, post = imported(cli, site, source)
    assert result.code == 0, result.err
    assert post["title"] == "让城市小蜜蜂快乐飞翔"
    assert "网页声明的编码是 big5，但内容不是这种编码；已按 UTF-8 读取" in result.err


def test_a_page_too_big_to_publish_is_refused_at_import(make_site, cli, tmp_path):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    source = tmp_path / "big.txt"
    paragraph = "城市小蜜蜂在大街小巷穿梭，服务千家万户。" * 20 + "\n"
    source.write_text("让城市小蜜蜂快乐飞翔\n发布时间：2024-08-19\n" + paragraph * (MAX_FILE_BYTES // len(paragraph.encode()) + 10), encoding="utf-8")
    result, _ = imported(cli, site, source)
    assert result.code == 2, result.err
    assert "上限（fengchao build 会拒绝它），没有写入" in result.err and f"{MAX_FILE_BYTES // 1024 // 1024} MB" in result.err
    assert not list((site.content / "news").rglob("*.md")) if (site.content / "news").exists() else True


@pytest.mark.parametrize(
    "shown",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "[点我](javascript:alert(1))",
        "**不是粗体**",
        "&lt;b&gt;不是标签&lt;/b&gt;",
        "`代码`",
        "# 不是标题",
        "1. 不是列表",
        "&amp;lt;原样&amp;gt;",
    ],
)
def test_escaped_text_stays_text_through_the_build(make_site, cli, build, tmp_path, shown):
    site = make_site({"stations/s.yaml": MINIMAL_STATION})
    source = tmp_path / "page.html"
    text = f"外卖骑手们说：{shown} 这句话要原样保留。"
    source.write_text(page("utf-8", "让城市小蜜蜂快乐飞翔", text), encoding="utf-8")
    result, post = imported(cli, site, source)
    assert result.code == 0, result.err
    draft = result.out.strip()
    with open(draft, encoding="utf-8") as handle:
        published = handle.read().replace("draft: true", "draft: false")
    with open(draft, "w", encoding="utf-8") as handle:
        handle.write(published)
    built = build(site)
    assert built.code == 0, built.err
    html = (site.out / "news" / Path(draft).stem / "index.html").read_text(encoding="utf-8")
    paragraph = next(p for p in re.findall(r"<p>(.*?)</p>", html, re.S) if "这句话要原样保留" in p)
    assert unescape(re.sub(r"<[^>]+>", "", paragraph)) == unescape(text)  # what the source page showed
    assert "<script" not in paragraph and "<strong>" not in paragraph and "<b>" not in paragraph and "<code>" not in paragraph
