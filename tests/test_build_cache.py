"""The build cache never serves a stale page, and skips what did not change.

The central property: after any sequence of edits (an article, a station, a
template, site.yaml, the CSS), a build that uses the cache produces exactly
the bytes of a clean `--no-cache` build. A stale page would be a wrong
opening time or a deleted article still online, which matters more than speed.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_theme
from fengchao import pool as parallel
from fengchao.cli import main

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1767225600"  # 2026-01-01, after every article below

TAGS = ["快递小哥", "外卖骑手", "庆小驿", "网格员"]


def article(i: int, tags: list[str], extra: str = "", title: str | None = None, date: str | None = None) -> str:
    link = f"另见[上一篇](a-{i - 1}.md)。" if i > 0 else ""
    return (
        f"---\ntitle: {title or f'第{i}篇新闻'}\ndate: {date or f'2024-0{1 + i % 9}-1{i % 10} 08:00'}\n"
        f"tags: [{', '.join(tags)}]\ncategory: 关爱行动\n---\n\n"
        f"## 进展{i}\n\n第{i}篇的正文，骑手在[驿站](/stations/s-{i % 4}/)歇脚。{link}\n\n- 一\n- 二\n\n| 项目 | 数 |\n|---|---|\n| 水 | {i} |\n{extra}"
    )


def station(i: int, name: str | None = None, amenities: str = "seating, drinking_water") -> str:
    return (
        f"- id: s-{i}\n  name: {name or f'庆小驿第{i}站'}\n  district: 萨尔图区\n  address: 测试路{i}号\n"
        f"  location: {{lat: {46.5 + i * 0.01:.2f}, lng: {125.0 + i * 0.013:.3f}}}\n  amenities: [{amenities}]\n"
    )


GUIDE = "---\ntitle: 怎么申请助学\ntopic: 补助申请\nstations: [s-0]\n---\n\n## 怎么申请\n\n请到[第一篇](../news/a-0.md)看看。\n"


def make_project(root: Path) -> Path:
    copy_theme(root)
    shutil.copyfile(REPO / "site.yaml", root / "site.yaml")
    content = root / "content"
    (content / "news").mkdir(parents=True)
    for i in range(14):
        (content / "news" / f"a-{i}.md").write_text(article(i, TAGS[i % 3 : i % 3 + 2]), encoding="utf-8")
    (content / "stations").mkdir()
    (content / "stations" / "s.yaml").write_text("".join(station(i) for i in range(6)), encoding="utf-8")
    (content / "guides").mkdir()
    (content / "guides" / "zhuxue.md").write_text(GUIDE, encoding="utf-8")
    return root


def build(root: Path, out: Path, *extra: str) -> int:
    return main(["--root", str(root), "build", "--out", str(out), *extra])


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def append(path: Path, text: str) -> None:
    if path.exists():  # an earlier edit may have deleted it
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path: Path, old: str, new: str) -> None:
    """Replace the first `old`; an edit that no longer applies (done before) does nothing."""
    if path.exists():
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


# Each edit is (name, function(root, n)); n varies the edit's content.
EDITS = {
    "article body": lambda root, n: append(root / f"content/news/a-{n % 14}.md", f"\n补充第{n}段。\n"),
    "article first paragraph (summary)": lambda root, n: replace(root / f"content/news/a-{n % 14}.md", "的正文", f"的正文（改{n}）"),
    "article title": lambda root, n: replace(root / f"content/news/a-{n % 14}.md", "篇新闻", f"篇新闻改{n}"),
    "article tags": lambda root, n: replace(root / f"content/news/a-{n % 14}.md", "tags: [", f"tags: [{TAGS[n % 4]}新, "),
    "article date": lambda root, n: replace(root / f"content/news/a-{n % 14}.md", "date: 2024-0", "date: 2023-0"),
    # A new article links to a-0.md (never deleted); only a-13, which nothing links to, is deleted.
    "new article": lambda root, n: (root / f"content/news/new-{n}.md").write_text(article(1, TAGS[:1], title=f"新文章{n}"), encoding="utf-8"),
    "delete article": lambda root, n: (root / "content/news/a-13.md").unlink(missing_ok=True),
    "station name": lambda root, n: replace(root / "content/stations/s.yaml", f"庆小驿第{1 + n % 5}站", f"庆小驿第{1 + n % 5}站（新址{n}）"),
    "station amenities": lambda root, n: replace(root / "content/stations/s.yaml", "amenities: [seating, drinking_water]", "amenities: [microwave]"),
    "new station": lambda root, n: append(root / "content/stations/s.yaml", station(10 + n)),
    "partial template": lambda root, n: replace(root / "templates/partials/footer.html", "</footer>", f"<!-- {n} --></footer>"),
    "page template": lambda root, n: replace(root / "templates/article.html", "{% endblock %}", f"<!-- a{n} -->{{% endblock %}}"),
    "base template": lambda root, n: replace(root / "templates/base.html", "</body>", f"<!-- b{n} --></body>"),
    "site.yaml title": lambda root, n: replace(root / "site.yaml", "title: 城市小蜜蜂 · 蜂巢", f"title: 城市小蜜蜂 · 蜂巢{n}"),
    "site.yaml per_page": lambda root, n: replace(root / "site.yaml", "per_page: 10", f"per_page: {3 + n % 4}"),
    # A CI job's fresh checkout: the cache restored, the output gone (pages come from the page store).
    "output deleted": lambda root, n: [shutil.rmtree(root / name, ignore_errors=True) for name in ("site", ".site.prev")],
    # A real rule, not a comment: minifying drops comments, and a stale
    # minified copy must show in the bytes.
    "css": lambda root, n: append(root / "assets/site.css", f"\n.edit-{n} {{ margin: {n}px }}\n"),
}


@pytest.fixture
def pinned_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 20)), min_size=1, max_size=3), min_size=1, max_size=2))
def test_cached_build_equals_clean_build_after_random_edits(pinned_time, capsys, steps):
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp) / "project")
        cached, clean = root / "site", Path(tmp) / "clean"
        assert build(root, cached) == 0
        for step in steps:
            for name, n in step:
                EDITS[name](root, n)
            old_bytes, old_inodes = files(cached), inodes(cached)
            capsys.readouterr()
            code = build(root, cached)
            cached_err = capsys.readouterr().err
            shutil.rmtree(clean, ignore_errors=True)
            assert build(root, clean, "--no-cache") == code
            # A broken edit (a station added twice) fails both builds alike, and the old output stays.
            if code:
                assert capsys.readouterr().err == cached_err
                assert files(cached) == old_bytes
                continue
            got, want = files(cached), files(clean)
            assert sorted(got) == sorted(want), f"after {step}: files differ {sorted(set(got) ^ set(want))}"
            stale = [rel for rel in want if got[rel] != want[rel]]
            assert not stale, f"after {step}: stale files in the cached build: {stale}"
            # Every file whose bytes changed was really written anew.
            new_inodes = inodes(cached)
            for rel in got:
                if rel in old_bytes and old_bytes[rel] != got[rel]:
                    assert new_inodes[rel] != old_inodes[rel], rel


def test_nothing_changed_rewrites_nothing(make_site, build, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    assert build(site).code == 0
    before_bytes, before_inodes = files(site.out), inodes(site.out)
    result = build(site)
    assert result.code == 0
    # All but the output marker and the search index (pagefind/), which is
    # not counted among the files a build reports.
    pages = [rel for rel in before_bytes if not rel.startswith("pagefind/")]
    assert f"其中 {len(pages) - 1} 个未变" in result.out
    assert files(site.out) == before_bytes
    assert inodes(site.out) == before_inodes  # not one file written again, not even the marker


def test_editing_one_article_rewrites_only_the_pages_that_show_it(make_site, build, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    replace(site.content / "news/a-5.md", "category: 关爱行动", "category: 关爱行动\nsummary: 第五篇的摘要。")
    assert build(site).code == 0
    before_bytes, before_inodes = files(site.out), inodes(site.out)
    # A paragraph at the end: the article's page and the feed (full text)
    # change; list pages show the summary, which does not.
    append(site.content / "news/a-5.md", "\n新增的最后一段。\n")
    result = build(site)
    assert result.code == 0
    after_bytes, after_inodes = files(site.out), inodes(site.out)
    changed = {rel for rel in after_bytes if after_bytes[rel] != before_bytes.get(rel)}
    # (The output marker is written afresh by every build; it is not a page.)
    # The search index is rebuilt whenever any page changes: it is not a page.
    rewritten = {rel for rel in after_inodes if after_inodes[rel] != before_inodes.get(rel) and not rel.startswith("pagefind/")} - {
        ".fengchao-output"
    }
    changed = {rel for rel in changed if not rel.startswith("pagefind/")}
    assert changed == {"news/a-5/index.html", "feed.xml"}
    assert rewritten == changed
    assert "新增的最后一段" in after_bytes["news/a-5/index.html"].decode()


def test_an_edited_output_file_is_replaced_not_trusted(make_site, build, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    assert build(site).code == 0
    page = site.out / "news/a-3/index.html"
    good = page.read_bytes()
    page.write_bytes(b"hand-edited")
    (site.out / "stray.html").write_text("not ours", encoding="utf-8")
    assert build(site).code == 0
    assert page.read_bytes() == good
    assert not (site.out / "stray.html").exists()


def test_cache_location_no_cache_and_corrupt_cache(make_site, build, pinned_time, monkeypatch, tmp_path):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    monkeypatch.delenv("FENGCHAO_CACHE_DIR")
    assert build(site, "--no-cache").code == 0
    assert not (site.root / ".cache").exists()  # --no-cache writes no cache either
    assert build(site).code == 0
    default = site.root / ".cache" / "fengchao"
    assert (default / "markdown.pickle").is_file()
    # Garbage in every cache file: the build still works, from scratch. (The
    # stored pages are hard links to the output's: those change too.)
    for path in default.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\x80garbage")
    append(site.content / "news/a-1.md", "\n改。\n")
    assert build(site).code == 0
    assert "改。" in (site.out / "news/a-1/index.html").read_text(encoding="utf-8")
    assert build(site, "--no-cache", "--out", str(tmp_path / "clean")).code == 0
    assert files(site.out) == files(tmp_path / "clean")
    # Deleting it is safe too; FENGCHAO_CACHE_DIR moves it.
    shutil.rmtree(default)
    other = tmp_path / "elsewhere"
    monkeypatch.setenv("FENGCHAO_CACHE_DIR", str(other))
    assert build(site).code == 0
    assert (other / "markdown.pickle").is_file() and not default.exists()


def test_parallel_build_equals_serial_build(make_site, build, pinned_time, monkeypatch, tmp_path):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)  # use the pool even on a small site
    assert build(site, "--jobs", "1", "--no-cache", "--out", str(tmp_path / "serial")).code == 0
    assert build(site, "--jobs", "3", "--no-cache", "--out", str(tmp_path / "pool")).code == 0
    serial, pool = files(tmp_path / "serial"), files(tmp_path / "pool")
    assert len(serial) > 30 and serial == pool


def test_parallel_build_reports_content_errors_with_lines(make_site, build, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    site = make_site({f"news/a-{i}.md": article(i, ["庆小驿"]) for i in range(6)})
    (site.content / "stations").mkdir()
    (site.content / "stations" / "s.yaml").write_text("".join(station(i) for i in range(4)), encoding="utf-8")
    site.write("news/broken.md", "---\ntitle: 坏链接\ndate: 2024-01-01\n---\n\n第一行。\n\n见[这里](nowhere.md)。\n")
    result = build(site, "--jobs", "2")
    assert result.code == 1
    assert "content/news/broken.md:8: " in result.err and "nowhere.md" in result.err


def test_parallel_build_checks_the_links_of_pages_rendered_in_workers(make_site, build, monkeypatch):
    """The render workers parse each page for the link check; a broken link
    on a page rendered there is still found, with its source line."""
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    site = make_site({f"news/a-{i}.md": article(i, ["庆小驿"]) for i in range(6)})
    (site.content / "stations").mkdir()
    (site.content / "stations" / "s.yaml").write_text("".join(station(i) for i in range(4)), encoding="utf-8")
    site.write("news/a-3.md", article(3, ["庆小驿"], extra="\n去[没有的驿站](/stations/no-such/)看看。\n"))
    result = build(site, "--jobs", "2", "--no-cache")
    assert result.code == 1
    assert "content/news/a-3.md:19: 链接 '/stations/no-such/' 指向的 /hub/stations/no-such/ 在生成的网站中不存在（会显示 404）" in result.err


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(make_site, build, value):
    site = make_site()
    assert build(site, "--jobs", value).code == 2


def test_cache_is_not_inside_the_output(make_site, build, pinned_time, monkeypatch):
    monkeypatch.delenv("FENGCHAO_CACHE_DIR")
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    assert build(site).code == 0
    assert not any(".cache" in p.parts or p.suffix == ".pickle" for p in site.out.rglob("*"))
    assert os.path.isdir(site.root / ".cache" / "fengchao")


def test_old_output_is_kept_for_the_next_build_and_never_restored(make_site, build, pinned_time):
    site = make_site()
    shutil.rmtree(site.root)
    make_project(site.root)
    assert build(site).code == 0
    append(site.content / "news/a-2.md", "\n保留上一代输出。\n")
    assert build(site).code == 0
    assert "保留上一代输出" in site.read("news/a-2/index.html")
    # The swapped-out output is kept under a name recover() never restores
    # as the site, for the next build to bring up to date (recycle.py);
    # nothing else is left beside the output but the build lock's file.
    beside = sorted(p.name for p in site.root.iterdir() if p.name.startswith(".site."))
    assert beside == [".site.lock", ".site.prev"]
    assert "保留上一代输出" not in (site.root / ".site.prev/news/a-2/index.html").read_text(encoding="utf-8")
    assert len(files(site.out)) > 40


def _imports(root: Path, *extra: str) -> str:
    """Build in a fresh interpreter; return the modules it imported."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO), "FENGCHAO_CACHE_DIR": str(root / "cache")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "fengchao", "--root", str(root), "build", "--no-search", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


def test_an_edit_with_no_new_tag_does_not_load_the_pinyin_dictionary(tmp_path):
    # Loading pypinyin's dictionaries is ~0.2 s: a fifth of a one-article
    # edit rebuild of a 2,000-article site, spent on slugs made before.
    root = make_project(tmp_path / "p")
    assert "pypinyin" in _imports(root)  # the first build makes every slug
    append(root / "content/news/a-3.md", "\n新增一段。\n")
    assert "pypinyin" not in _imports(root)
    # A new tag needs a new slug: made, and the tag page is published under it.
    replace(root / "content/news/a-3.md", "tags: [", "tags: [夜间配送, ")
    assert "pypinyin" in _imports(root)
    assert (root / "site/tags/ye-jian-pei-song/index.html").is_file()
    # A stale store (another pypinyin or fengchao) is never read.
    store = root / "cache/slugs.pickle"
    store.write_bytes(pickle.dumps({"another salt": {"夜间配送": "wrong"}}))
    shutil.rmtree(root / "site")
    _imports(root)
    assert (root / "site/tags/ye-jian-pei-song/index.html").is_file()
    assert not (root / "site/tags/wrong").exists()


def test_the_stored_station_directory_follows_its_inputs(tmp_path):
    root = make_project(tmp_path / "p")
    out = root / "site"
    assert build(root, out) == 0
    # An article edit keeps the stored directory: its pages are linked, not written.
    before = inodes(out)
    append(root / "content/news/a-3.md", "\n新增一段。\n")
    assert build(root, out) == 0
    after = inodes(out)
    assert after["stations/s-1/index.html"] == before["stations/s-1/index.html"]
    assert after["stations/stations.json"] == before["stations/stations.json"]
    # A renamed station, a guide that now lists it, and a new article
    # slug another page could link to each make it anew: same bytes as a
    # build without the cache.
    replace(root / "content/stations/s.yaml", "庆小驿第1站", "庆小驿一号站")
    replace(root / "content/guides/zhuxue.md", "stations: [s-0]", "stations: [s-0, s-1]")
    (root / "content/news/a-14.md").write_text(article(14, ["快递小哥"]), encoding="utf-8")
    assert build(root, out) == 0
    assert build(root, tmp_path / "clean", "--no-cache") == 0
    assert files(out) == files(tmp_path / "clean")
    assert "庆小驿一号站" in (out / "stations/s-1/index.html").read_text(encoding="utf-8")
    assert "怎么申请助学" in (out / "stations/s-1/index.html").read_text(encoding="utf-8")


def test_a_build_with_the_cache_but_not_the_output_links_the_stored_pages(tmp_path, capsys):
    # A CI job restores the cache into a fresh checkout: the pages come from
    # the cache's page store instead of being rendered again.
    root = make_project(tmp_path / "p")
    out = root / "site"
    assert build(root, out) == 0
    capsys.readouterr()
    shutil.rmtree(out)
    shutil.rmtree(root / ".site.prev", ignore_errors=True)
    store = Path(os.environ["FENGCHAO_CACHE_DIR"]) / "pages"
    stored = {p.stat().st_ino for p in store.iterdir()}
    assert build(root, out) == 0
    pages = [p for p in out.rglob("*.html")]
    assert len(pages) > 30 and all(p.stat().st_ino in stored for p in pages)
    assert "未变" in capsys.readouterr().out
    assert build(root, tmp_path / "clean", "--no-cache") == 0
    assert files(out) == files(tmp_path / "clean")
    # A stored page whose bytes changed (written through a hard link; same
    # size) is not used: the page is rendered again.
    page = out / "news/a-3/index.html"
    text = page.read_bytes()
    with open(page, "r+b") as handle:  # in place, so the stored file changes too
        handle.write(b"X" * 20)
    shutil.rmtree(out)
    shutil.rmtree(root / ".site.prev", ignore_errors=True)
    assert build(root, out) == 0
    assert (out / "news/a-3/index.html").read_bytes() == text
    assert files(out) == files(tmp_path / "clean")


def test_the_page_store_gives_up_at_once_on_another_file_system(tmp_path, monkeypatch):
    # FENGCHAO_CACHE_DIR on another disk: no page can be hard-linked there.
    # The store tries once per build, not once per page (each try reads the page).
    import errno

    from fengchao.cache import page_store as pagestore

    out = tmp_path / "site"
    for i in range(5):
        (out / f"p{i}").mkdir(parents=True)
        (out / f"p{i}" / "index.html").write_text(f"页{i}", encoding="utf-8")
    tries = []

    def cross_device(source, target):
        tries.append(target)
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(pagestore.os, "link", cross_device)
    store = pagestore.PageStore(tmp_path / "cache" / "pages", {})
    store.keep(out, {f"p{i}/index.html": f"key{i}" for i in range(5)})
    assert len(tries) == 1 and store.kept == {} and not any((tmp_path / "cache" / "pages").iterdir())
    assert store.get("key0") is None


def test_the_cache_salt_names_each_output_library_at_its_installed_version():
    """Upgrading Jinja, Markdown, PyYAML, pypinyin, minify-html or MarkupSafe
    must start cold: the salt reads their versions from the dist-info folder
    names, and has to agree with what importlib.metadata reports."""
    from importlib import metadata

    from fengchao import digests as cache

    assert cache._library_versions() == [f"{name}={metadata.version(name)}" for name in cache._LIBRARIES]
