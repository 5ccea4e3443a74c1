"""The output link check and the content checker reuse cached work, and the
cache never hides (or invents) a finding.

Both checks keep per-page / per-document results in the build cache
(check/output_links.py, check/content.py); the property: after any sequence of edits — a
broken link, mojibake, a spam word or a phone number added to an article
and removed again, a page deleted that other pages link to, a heading
renamed under an anchor link, the `check:` rules of site.yaml changed — a
cached build reports exactly the errors and warnings of a `--no-cache`
build, whether the cache comes from disk or from a long-running process's
memory (the preview server's).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, copy_theme
from fengchao.pipeline import Project, build
from fengchao.problems import BuildFailed
from fengchao.serve.rebuild import LiveSite

EPOCH = "1767225600"  # 2026-01-01
ARTICLES = 8


def article(i: int) -> str:
    # Each article links to the next one's page and to a heading on it, so
    # deleting a page or renaming a heading breaks a link in an unchanged page.
    nxt = (i + 1) % ARTICLES
    return (
        f"---\ntitle: 第{i}篇新闻\ndate: 2024-03-1{i} 08:00\ntags: [快递小哥]\ncategory: 关爱行动\n---\n\n"
        f"## 进展{i}\n\n第{i}篇的正文，骑手在驿站歇脚。\n\n"
        f"另见[下一篇](/news/a-{nxt}/)和[它的进展](/news/a-{nxt}/#进展{nxt})。\n"
    )


STATIONS = "".join(
    f"- id: s-{i}\n  name: 庆小驿第{i}站\n  district: 萨尔图区\n  address: 测试路{i}号\n"
    f"  location: {{lat: {46.5 + i * 0.01:.2f}, lng: {125.0 + i * 0.013:.3f}}}\n  amenities: [seating]\n"
    for i in range(3)
)
GUIDE = "---\ntitle: 怎么申请助学\ntopic: 补助申请\nreviewed: 2025-12-01\n---\n\n## 怎么申请\n\n请到[第一篇](/news/a-0/)看看。\n"


def make_project(root: Path) -> Project:
    copy_theme(root)
    shutil.copyfile(REPO / "site.yaml", root / "site.yaml")
    content = root / "content"
    (content / "news").mkdir(parents=True)
    for i in range(ARTICLES):
        (content / "news" / f"a-{i}.md").write_text(article(i), encoding="utf-8")
    (content / "stations").mkdir()
    (content / "stations" / "s.yaml").write_text(STATIONS, encoding="utf-8")
    (content / "guides").mkdir()
    (content / "guides" / "zhuxue.md").write_text(GUIDE, encoding="utf-8")
    return Project(root, content, root / "site")


def with_warnings(root: Path) -> Project:
    """make_project's site plus findings that are warnings by default, so
    that a change of the `check:` rules changes the report of a cached document."""
    project = make_project(root)
    toggle(news(root, 6), "\n见[外站](https://evil.example.com/y)。\n")
    toggle(news(root, 7), "\n值班电话13812345678。\n")
    toggle(root / "content/stations/s.yaml", "  notes: 值班电话13912345678\n")
    set_check(root, 2)  # the content checker's link rules on
    return project


def toggle(path: Path, line: str) -> None:
    """Add `line` at the end of the file, or take it out if it is there."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(line, "") if line in text else text + line, encoding="utf-8")


def news(root: Path, n: int) -> Path:
    return root / f"content/news/a-{n % ARTICLES}.md"


# The `check:` sections an edit puts into site.yaml (rule levels, allowlists, keyword lists, staleness).
CHECK_SETTINGS = [
    "",
    "check:\n  rules: {mobile-number: error, external-link: off, broken-link: warn}\n",
    "check:\n  rules: {broken-link: warn, missing-image: error, spam-keyword: warn, mobile-number: off}\n",
    "check:\n  allow_words: [百家乐]\n  allow_domains: [evil.example.com]\n  rules: {broken-link: error}\n",
    "check:\n  rules: {mojibake: off, stale-guide: error}\n  stale_days: 10\n",
    "check:\n  spam_words: [骑手在驿站]\n",
]


def set_check(root: Path, n: int) -> None:
    path = root / "site.yaml"
    text = re.sub(r"\ncheck:\n(?:  .*\n)*", "\n", path.read_text(encoding="utf-8"))
    path.write_text(text + "\n" + CHECK_SETTINGS[n % len(CHECK_SETTINGS)], encoding="utf-8")


def toggle_draft(path: Path) -> None:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        draft = "\ndraft: true\n---\n"
        path.write_text(text.replace(draft, "\n---\n", 1) if draft in text else text.replace("\n---\n", draft, 1), encoding="utf-8")


def rename_heading(root: Path, n: int) -> None:
    path = news(root, n)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^## 进(展|度)", lambda m: "## 进" + ("度" if m.group(1) == "展" else "展"), text, flags=re.M), encoding="utf-8")


def delete_or_restore(root: Path, n: int) -> None:
    path = news(root, n)
    if path.exists():
        path.unlink()
    else:
        path.write_text(article(n % ARTICLES), encoding="utf-8")


EDITS = {
    "broken link": lambda root, n: toggle(news(root, n), f"\n见[旧页面](/news/gone-{n % 2}/)。\n"),
    "missing image": lambda root, n: toggle(news(root, n), "\n![现场](/images/none.png)\n"),
    "mojibake": lambda root, n: toggle(news(root, n), "\n锟斤拷烫烫烫的一句。\n"),
    "spam": lambda root, n: toggle(news(root, n), "\n百家乐官网下载。\n"),
    "mobile number": lambda root, n: toggle(news(root, n), "\n联系电话13912345678。\n"),
    "external link": lambda root, n: toggle(news(root, n), "\n见[外站](https://evil.example.com/x)。\n"),
    "mojibake in a title": lambda root, n: _retitle(news(root, n)),
    "station phone": lambda root, n: toggle(root / "content/stations/s.yaml", "  notes: 值班电话13912345678\n"),
    "body text": lambda root, n: toggle(news(root, n), f"\n补充第{n}段。\n"),
    "heading renamed": rename_heading,
    "page deleted or restored": delete_or_restore,
    "draft or published": lambda root, n: toggle_draft(news(root, n)),
    # Each `check:` variant its own edit, so that rule changes are drawn often.
    **{f"site.yaml check {i}": (lambda i: lambda root, n: set_check(root, i))(i) for i in range(len(CHECK_SETTINGS))},  # noqa: B023 - bound by the outer lambda
}


def _retitle(path: Path) -> None:
    if path.exists():
        text = path.read_text(encoding="utf-8")
        new = text.replace("篇新闻\n", "篇新闻锟斤拷\n", 1) if "锟斤拷\n" not in text else text.replace("锟斤拷\n", "\n", 1)
        path.write_text(new, encoding="utf-8")


def outcome(project: Project, **options) -> tuple[str, list]:
    """("ok" or "failed", every problem reported), in the order reported."""
    try:
        report = build(project, search=False, jobs=1, **options)
    except BuildFailed as exc:
        return "failed", exc.problems
    return "ok", report.warnings


def live_outcome(live: LiveSite) -> tuple[str, list]:
    """The same for a build kept warm in memory, as the preview server rebuilds."""
    try:
        snapshot = live.build()
    except BuildFailed as exc:
        return "failed", exc.problems
    return "ok", list(snapshot.warnings)


@pytest.fixture
def pinned_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 15)), min_size=1, max_size=3), st.booleans()),
        min_size=1,
        max_size=3,
    )
)
def test_cached_checks_report_what_a_clean_build_reports(pinned_time, steps):
    with tempfile.TemporaryDirectory() as tmp:
        project = with_warnings(Path(tmp) / "project")
        clean = Project(project.root, project.content, Path(tmp) / "clean")
        live = LiveSite(project, drafts=False, jobs=1)
        outcome(project)
        live_outcome(live)
        for edits, in_memory in steps:
            for name, n in edits:
                EDITS[name](project.root, n)
            # in_memory: as the preview server rebuilds; else as a new `fengchao build` process.
            got = live_outcome(live) if in_memory else outcome(project)
            shutil.rmtree(clean.out, ignore_errors=True)
            want = outcome(clean, use_cache=False)
            assert got == want, f"after {edits}"


def test_a_reused_page_is_checked_against_the_new_set_of_pages(make_site, pinned_time, monkeypatch):
    """a-0 links to a-1; deleting a-1 leaves a-0's page unchanged (its scan
    comes from the cache, not from parsing it again), and its links must
    still be reported as broken, at their source line."""
    from fengchao.output import scan as linkcheck

    site = make_site()
    shutil.rmtree(site.root)
    project = make_project(site.root)
    assert outcome(project) == ("ok", [])
    unchanged = (project.out / "news/a-0/index.html").read_bytes()
    scanned = []
    real_scan = linkcheck.scan_html
    monkeypatch.setattr(linkcheck, "scan_html", lambda data, intern=None: scanned.append(data) or real_scan(data, intern))
    (project.content / "news/a-1.md").unlink()
    (project.content / "news/a-2.md").write_text(article(2).replace("[下一篇](/news/a-3/)", "[下一篇](/news/a-1/)"), encoding="utf-8")
    status, problems = outcome(project)
    assert status == "failed"
    assert unchanged not in scanned and scanned  # a-0: from the cache; a-2: parsed
    assert [(p.path, p.line, p.message) for p in problems] == [
        ("content/news/a-0.md", 12, "链接 '/news/a-1/#进展1' 指向的 /hub/news/a-1/ 在生成的网站中不存在（会显示 404）"),
        ("content/news/a-0.md", 12, "链接 '/news/a-1/' 指向的 /hub/news/a-1/ 在生成的网站中不存在（会显示 404）"),
        ("content/news/a-2.md", 12, "链接 '/news/a-1/' 指向的 /hub/news/a-1/ 在生成的网站中不存在（会显示 404）"),
    ]
    (project.content / "news/a-1.md").write_text(article(1), encoding="utf-8")
    assert outcome(project) == ("ok", [])


def test_a_renamed_heading_breaks_the_anchor_link_of_an_unchanged_page(make_site, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    project = make_project(site.root)
    assert outcome(project) == ("ok", [])
    rename_heading(project.root, 4)  # a-3 links to a-4's "#进展4"
    status, problems = outcome(project)
    assert status == "failed"
    assert [(p.path, p.line) for p in problems] == [("content/news/a-3.md", 12)]
    assert "#进展4" in problems[0].message and "锚点" in problems[0].message


def test_the_content_checker_cache_follows_site_yaml(make_site, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    project = make_project(site.root)
    toggle(news(project.root, 2), "\n联系电话13912345678。\n")
    status, problems = outcome(project)
    assert status == "ok"
    assert [(p.path, p.line, p.col, p.rule, p.severity) for p in problems] == [("content/news/a-2.md", 14, 5, "mobile-number", "warning")]
    # The rule's level raised in site.yaml: an error now, from the same (cached) document.
    set_check(project.root, 1)
    status, problems = outcome(project)
    assert status == "failed" and [(p.rule, p.severity) for p in problems] == [("mobile-number", "error")]
    # The rule switched off: nothing; and back to the default: the warning again.
    set_check(project.root, 0)
    with open(project.root / "site.yaml", "a", encoding="utf-8") as f:
        f.write("check:\n  rules: {mobile-number: off}\n")
    assert outcome(project) == ("ok", [])
    set_check(project.root, 0)
    assert [p.rule for p in outcome(project)[1]] == ["mobile-number"]
    # A spam word of the site's own list, then allowed: the cached document follows both.
    with open(project.root / "site.yaml", "a", encoding="utf-8") as f:
        f.write("check:\n  spam_words: [联系电话]\n")
    status, problems = outcome(project)
    assert status == "failed" and sorted(p.rule for p in problems) == ["mobile-number", "spam-keyword"]
    (project.root / "site.yaml").write_text(
        (project.root / "site.yaml").read_text(encoding="utf-8") + "  allow_words: [联系电话]\n", encoding="utf-8"
    )
    assert [p.rule for p in outcome(project)[1]] == ["mobile-number"]


def test_the_content_checker_cache_follows_the_set_of_pages(make_site, pinned_time):
    """With broken-link on, a link from an unchanged article to a page that
    this build removed is reported (and the report goes when it is back)."""
    site = make_site()
    shutil.rmtree(site.root)
    project = make_project(site.root)
    set_check(project.root, 2)  # broken-link: warn
    assert outcome(project) == ("ok", [])
    (project.content / "news/a-6.md").unlink()
    status, problems = outcome(project)
    assert status == "failed"
    lint = [(p.path, p.line, p.rule) for p in problems if p.rule]
    assert lint == [("content/news/a-5.md", 12, "broken-link")] * 2
    (project.content / "news/a-6.md").write_text(article(6), encoding="utf-8")
    assert outcome(project) == ("ok", [])
    # A draft's links are not checked (its page is not published); publishing it checks them.
    toggle(news(project.root, 3), "\n见[旧页面](/news/gone/)。\n")
    toggle_draft(news(project.root, 3))
    status, problems = outcome(project)
    # (a-2's links to the draft are reported, a-3's own broken link is not.)
    assert [(p.path, p.rule) for p in problems if p.rule] == [("content/news/a-2.md", "broken-link")] * 2
    toggle_draft(news(project.root, 3))
    status, problems = outcome(project)
    assert [(p.path, p.line, p.rule) for p in problems if p.rule] == [("content/news/a-3.md", 14, "broken-link")]


def test_checks_are_cached_on_disk_and_not_with_no_cache(make_site, pinned_time, monkeypatch, tmp_path):
    from fengchao.check import content as lint
    from fengchao.output import scan as linkcheck

    site = make_site()
    shutil.rmtree(site.root)
    project = make_project(site.root)
    cache = tmp_path / "cache"
    monkeypatch.setenv("FENGCHAO_CACHE_DIR", str(cache))
    assert outcome(project) == ("ok", [])
    assert sorted(p.name.split("-")[0] for p in cache.glob("l*.pickle")) == ["links", "lint"]
    # The next build (a new process would read the same files) parses only
    # the pages whose bytes changed and checks only the edited document.
    before = {p: p.stat().st_ino for p in project.out.rglob("*.html")}
    scanned, checked = [], []
    real_scan, real_hits = linkcheck.scan_html, lint.doc_hits
    monkeypatch.setattr(linkcheck, "scan_html", lambda data, intern=None: scanned.append(data) or real_scan(data, intern))
    monkeypatch.setattr(lint, "doc_hits", lambda doc, cfg: checked.append(doc.path) or real_hits(doc, cfg))
    toggle(news(project.root, 3), "\n补充一段。\n")
    assert outcome(project) == ("ok", [])
    assert checked == ["content/news/a-3.md"]
    # Pages the cache did not reuse are written anew (a new inode); the rest are linked.
    rendered = [p.read_bytes() for p in project.out.rglob("*.html") if before.get(p) != p.stat().st_ino]
    assert sorted(scanned) == sorted(rendered) and any("补充一段" in data.decode() for data in scanned)
    assert len(before) > 3 * len(rendered)
    # --no-cache reads none of it and writes nothing.
    shutil.rmtree(cache)
    scanned.clear(), checked.clear()
    assert outcome(project, use_cache=False) == ("ok", [])
    assert not cache.exists()
    assert len(checked) == ARTICLES + 1 and len(scanned) > 20


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("/ab.中?#%2F\\ \t-_:")), max_size=16).map(lambda s: "/" + s),
    st.sampled_from(["/", "/hub/", "/hub/news/x/", "/hub/404.html"]),
)
def test_a_plain_path_is_classified_as_urljoin_would(href, page):
    """classify's shortcut for site-absolute paths gives what urljoin gives
    (the link check's verdicts must not depend on which way was taken)."""
    from urllib.parse import unquote, urljoin, urlsplit

    from fengchao.check.output_links import Target, classify

    stripped = href.strip()
    parts = urlsplit(stripped)
    if parts.scheme or parts.netloc:
        return  # "//host/…": not a path; classify's other branches
    joined = urlsplit(urljoin("http://site" + page, stripped))
    assert classify(href, page, "https://example.org") == Target("internal", unquote(joined.path) or "/", unquote(joined.fragment))
