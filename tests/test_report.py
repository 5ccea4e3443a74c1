"""Errors a person can act on: the offending line quoted under `path:line`,
a caret under the column, and a sign of life during long builds."""

from __future__ import annotations

import io
import time

from conftest import MINIMAL_ARTICLE, MINIMAL_STATION
from fengchao import progress


def test_yaml_error_quotes_the_line(make_site, build):
    site = make_site({"news/a.md": MINIMAL_ARTICLE.replace("title: 测试新闻", 'title: "测试'), "stations/s.yaml": MINIMAL_STATION})
    result = build(site)
    assert result.code == 1
    lines = result.err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("content/news/a.md:2: "))
    assert lines[at + 1] == '    | title: "测试'
    assert "Traceback" not in result.err


def test_finding_quotes_the_line_with_a_caret_under_the_column(make_site, cli):
    body = "---\ntitle: 测试\ndate: 2024-08-19\n---\n骑手说：好</p>\n"
    site = make_site({"news/a.md": body, "stations/s.yaml": MINIMAL_STATION})
    result = cli("--root", site.root, "check")
    lines = result.err.splitlines()
    assert lines[0].startswith("content/news/a.md:5:6: stray-markup: ")
    assert lines[1] == "    | 骑手说：好</p>"
    # Five wide characters before the column: the caret sits 10 cells in.
    assert lines[2] == "    | " + " " * 10 + "^"


class FakeStream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_progress_on_a_terminal_redraws_one_line_and_erases_it(monkeypatch):
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.01)
    stream = FakeStream(tty=True)
    with progress.Ticker(stream, "正在生成"):
        time.sleep(0.3)
    out = stream.getvalue()
    assert "\r\033[K" in out and "正在生成…" in out and "秒" in out
    assert "\n" not in out  # redrawn in place, never scrolls
    assert out.endswith("\r\033[K")  # erased before the summary line


def test_progress_in_ci_is_plain_lines_and_silent_for_quick_builds(monkeypatch):
    quick = FakeStream(tty=False)
    with progress.Ticker(quick, "正在生成"):
        pass
    assert quick.getvalue() == ""
    monkeypatch.setattr(progress, "SHOW_AFTER", 0.01)
    monkeypatch.setattr(progress, "LOG_EVERY", 0.1)
    slow = FakeStream(tty=False)
    with progress.Ticker(slow, "正在生成"):
        time.sleep(0.35)
    lines = slow.getvalue().splitlines()
    assert len(lines) >= 2 and all(line.startswith("正在生成…（已用 ") for line in lines)
    assert "\r" not in slow.getvalue() and "\033" not in slow.getvalue()


def test_check_lists_what_is_not_public(make_site, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725163200")  # 2024-09-01 12:00 +08:00
    site = make_site(
        {
            "news/a.md": MINIMAL_ARTICLE,
            "news/draft.md": MINIMAL_ARTICLE.replace("date: 2024-08-19", "date: 2024-08-19\ndraft: true"),
            "news/later.md": MINIMAL_ARTICLE.replace("date: 2024-08-19", "date: 2024-10-01 08:00"),
            "news/old.md": MINIMAL_ARTICLE.replace("date: 2024-08-19", "date: 2024-08-19\nexpires: 2024-09-01"),
            "stations/s.yaml": MINIMAL_STATION,
        }
    )
    result = cli("--root", site.root, "check")
    assert result.code == 0, result.err
    assert "以下 3 篇现在不会公开（预览中可见）：\n" in result.out
    assert "  content/news/draft.md: 草稿（draft: true）\n" in result.out
    assert "  content/news/later.md: 定时发布：2024-10-01 08:00 起公开\n" in result.out
    assert "  content/news/old.md: 已过期：2024-09-01 00:00 起不再公开\n" in result.out
    assert "content/news/a.md" not in result.out
