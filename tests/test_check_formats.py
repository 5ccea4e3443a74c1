"""`fengchao check --format text|json|github` and `--external`.

GitHub annotations must survive GitHub's parser (escaping per the workflow
command rules), JSON must be a list a program can read, and external links are
checked only when asked, against a local server here — never the internet.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import REPO
from fengchao.problems import Problem
from fengchao.report import escape_data, escape_property, github_annotation

PORTS = range(8900, 9000)  # this branch's port range


def article(body: str) -> str:
    return f"---\ntitle: 测试新闻\ndate: 2024-08-19\n---\n\n{body}\n"


# 1. GitHub's escaping rules ------------------------------------------------------


def test_annotation_escapes_percent_and_line_breaks_in_the_message():
    assert escape_data("100% 完成\r\n下一行") == "100%25 完成%0D%0A下一行"
    # % first, or "%0A" written by a user would be read back as a newline.
    assert escape_data("%0A") == "%250A"


def test_annotation_escapes_colon_and_comma_in_properties():
    assert escape_property("content/a:b,c%.md") == "content/a%3Ab%2Cc%25.md"
    line = github_annotation(Problem("content/新闻,1.md", 8, "第一行\n第二行: 100%"))
    assert line == "::error file=content/新闻%2C1.md,line=8,title=fengchao::第一行%0A第二行: 100%25"


def test_annotation_levels_and_a_problem_without_a_line():
    warning = Problem("site.yaml", 0, "提醒", "warning")
    assert github_annotation(warning) == "::warning file=site.yaml,title=fengchao::提醒"
    # Under --strict a warning fails the job, so it is annotated as an error.
    assert github_annotation(warning, strict=True).startswith("::error file=site.yaml,")


# 2. The command ----------------------------------------------------------------------


@pytest.fixture
def broken_site(make_site):
    return make_site(
        {
            "news/2024/a.md": article("第一段。\n\n见[站点](/stations/no-such/)和[指南](/guides)。"),
        }
    )


def test_check_github_format(broken_site, cli):
    result = cli("--root", broken_site.root, "check", "--format", "github")
    assert result.code == 1
    assert result.out.splitlines() == [
        "::warning file=content/news/2024/a.md,line=8,title=fengchao::链接 '/guides' 少了结尾的 /，打开时会多一次跳转（请写成 /hub/guides/）",
        "::error file=content/news/2024/a.md,line=8,title=fengchao::链接 '/stations/no-such/' 指向的 /hub/stations/no-such/ 在生成的网站中不存在（会显示 404）",
    ]
    # The job log also shows the editor's `path:line: message` form.
    assert "content/news/2024/a.md:8: 链接 '/stations/no-such/'" in result.err
    assert "失败：1 个错误，1 个警告" in result.err


def test_check_json_format(broken_site, cli):
    result = cli("--root", broken_site.root, "check", "--format", "json")
    assert result.code == 1
    problems = json.loads(result.out)
    assert [(p["path"], p["line"], p["severity"]) for p in problems] == [
        ("content/news/2024/a.md", 8, "warning"),  # sorted by path, line, message
        ("content/news/2024/a.md", 8, "error"),
    ]
    assert set(problems[0]) == {"path", "line", "col", "rule", "severity", "message"}


def test_check_json_on_a_good_site_is_an_empty_list(make_site, cli):
    site = make_site({"news/2024/a.md": article("正文。")})
    result = cli("--root", site.root, "check", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == []
    assert "检查通过" in result.err


def test_check_strict_github_turns_the_warning_into_an_error(make_site, cli):
    site = make_site({"news/2024/a.md": article("见[指南](/guides)。")})
    assert cli("--root", site.root, "check", "--format", "github").code == 0
    result = cli("--root", site.root, "check", "--strict", "--format", "github")
    assert result.code == 1
    assert result.out.startswith("::error file=content/news/2024/a.md,line=6,title=fengchao::链接 '/guides' 少了结尾的 /")


def test_unknown_format_is_a_usage_error(make_site, cli):
    site = make_site({"news/2024/a.md": article("正文。")})
    result = cli("--root", site.root, "check", "--format", "xml")
    assert result.code == 2
    assert "--format 不能是 'xml'。可选：text、json、github" in result.err


def test_build_github_format_annotates_content_errors(make_site, build):
    site = make_site({"news/2024/a.md": "---\ntitle: 测试\ndate: 昨天\n---\n\n正文。\n"})
    result = build(site, "--format", "github")
    assert result.code == 1
    assert result.out.startswith("::error file=content/news/2024/a.md,line=3,title=fengchao::无法识别的日期")


# 3. External links: only on request, bounded, against a local server ----------------


class _Handler(BaseHTTPRequestHandler):
    requests: list = []

    def _answer(self, with_body: bool) -> None:
        type(self).requests.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/gone":
            self.send_response(404)
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if with_body:
            self.wfile.write(b"ok")

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self._answer(False)

    def do_GET(self):  # noqa: N802
        self._answer(True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.requests = []
    for port in PORTS:
        try:
            httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            break
        except OSError:
            continue
    else:
        pytest.fail("no free port in 8900–8999")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler.requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def external_site(make_site, server):
    origin, requests = server
    body = "\n".join(
        [
            f"[好的]({origin}/ok)",
            f"[不见了]({origin}/gone)",
            f"[很慢]({origin}/slow)",
            f"[不接受 HEAD]({origin}/no-head)",
            f"[同一个，带锚点]({origin}/ok#part)",
        ]
    )
    # The test server is a site the editors trust: allow it, so the content
    # checker's external-domain rule stays quiet and only --external speaks.
    config = (REPO / "site.yaml").read_text(encoding="utf-8") + "\ncheck:\n  allow_domains: [127.0.0.1]\n"
    site = make_site({"news/2024/a.md": article(body)}, config=config)
    return site, origin, requests


def test_external_links_are_not_checked_by_default(external_site, cli, build):
    site, origin, requests = external_site
    assert cli("--root", site.root, "check").code == 0
    assert build(site, "--strict").code == 0
    assert requests == []


def test_external_links_checked_on_request(external_site, cli):
    site, origin, requests = external_site
    result = cli("--root", site.root, "check", "--external", "--external-timeout", "0.5")
    assert result.code == 0, result.err  # dead external links are warnings
    lines = [line for line in result.err.splitlines() if line.startswith("content/")]
    assert lines == [
        f"content/news/2024/a.md:7: 警告：外部链接 {origin}/gone 返回 HTTP 404（Not Found）",
        f"content/news/2024/a.md:8: 警告：外部链接 {origin}/slow 在 0.5 秒内没有响应",
    ]
    assert ("GET", "/no-head") in requests  # HEAD refused → retried with GET
    assert sorted({path for _, path in requests}) == ["/gone", "/no-head", "/ok", "/slow"]  # #part is the same URL
    assert "外部链接检查了 4 个" in result.out


def test_external_strict_fails(external_site, cli):
    site, origin, requests = external_site
    result = cli("--root", site.root, "check", "--external", "--external-timeout", "0.5", "--strict", "--format", "github")
    assert result.code == 1
    assert f"::error file=content/news/2024/a.md,line=7,title=fengchao::外部链接 {origin}/gone 返回 HTTP 404" in result.out


def test_external_check_is_bounded_by_max_links(external_site, cli):
    site, origin, requests = external_site
    result = cli("--root", site.root, "check", "--external", "--external-max", "2", "--external-jobs", "1")
    assert result.code == 0, result.err
    # The first two distinct URLs in sorted order, and nothing else.
    assert sorted({path for _, path in requests}) == ["/gone", "/no-head"]
    assert "外部链接检查了 2 个，另有 2 个超出 --external-max 未检查" in result.out


def test_external_bounds_must_be_positive(external_site, cli):
    site, origin, requests = external_site
    result = cli("--root", site.root, "check", "--external", "--external-max", "0")
    assert result.code == 2
    assert "--external-max" in result.err
    assert requests == []
