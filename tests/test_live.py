"""The preview's warm builds (serve/rebuild.py) never serve a stale page.

`fengchao serve` keeps loaded files, converted Markdown and rendered pages
from one build to the next and re-renders only pages whose inputs changed.
After any sequence of edits its output must be exactly what a clean build
with drafts makes, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_build_cache import EDITS, EPOCH, article, make_project, station

from fengchao.pipeline import Project, build
from fengchao.problems import BuildFailed
from fengchao.serve.rebuild import LiveSite

BASE = "http://127.0.0.1:8000/"
STATIONS = "".join(station(i) for i in range(4))


def clean_build(root: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    build(Project(root, root / "content", out), base_url=BASE, drafts=True, use_cache=False, search=False)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".fengchao-output"}


def served(live: LiveSite) -> dict[str, bytes]:
    snapshot = live.build()
    return {rel: v.read_bytes() if isinstance(v, Path) else v for rel, v in snapshot.files.items()}


@pytest.fixture
def pinned_time(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 20)), min_size=1, max_size=3), min_size=1, max_size=3))
def test_warm_preview_equals_clean_build_after_random_edits(pinned_time, steps):
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp) / "project")
        live = LiveSite(Project(root, root / "content", root / "unused"), BASE, jobs=1)
        served(live)
        for step in steps:
            for name, n in step:
                EDITS[name](root, n)
            try:
                got = served(live)
            except BuildFailed as exc:
                # A broken edit (a station added twice) fails the clean build alike.
                with pytest.raises(BuildFailed) as clean:
                    clean_build(root, Path(tmp) / "clean")
                assert sorted(clean.value.problems) == sorted(exc.problems)
                continue
            want = clean_build(root, Path(tmp) / "clean")
            assert sorted(got) == sorted(want), f"after {step}: files differ {sorted(set(got) ^ set(want))}"
            stale = [rel for rel in want if got[rel] != want[rel]]
            assert not stale, f"after {step}: stale pages in the preview: {stale}"


def test_an_edit_re_renders_only_the_pages_that_show_it(make_site, pinned_time):
    site = make_site({**{f"news/a-{i}.md": article(i, ["快递小哥"]) for i in range(12)}, "stations/s.yaml": STATIONS})
    live = LiveSite(Project(site.root, site.content, site.root / "unused"), BASE, jobs=1)
    first = live.build()
    assert len(first.rendered) == first.pages
    # Nothing changed: nothing rendered.
    assert live.build().rendered == ()
    # A paragraph at the end: only the article's own page shows it.
    path = site.content / "news/a-5.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n结尾补充一句。\n", encoding="utf-8")
    again = live.build()
    # The article (short: its summary is all of it) and every page that
    # shows its summary or text; not the other articles, stations or guides.
    assert sorted(again.rendered) == sorted(
        [
            "news/a-5/index.html",
            "news/index.html",
            "tags/kuai-di-xiao-ge/index.html",
            "categories/guan-ai-xing-dong/index.html",
            "news/archive/index.html",
            "index.html",
            "feed.xml",
        ]
    )
    assert "结尾补充一句" in again.files["news/a-5/index.html"].decode()


def test_a_file_saved_twice_within_a_clock_tick_is_read_again(make_site, pinned_time):
    """Same size, same coarse mtime: the second version must still be seen."""
    site = make_site({"news/a-0.md": article(0, ["快递小哥"], extra="版本一\n"), "stations/s.yaml": STATIONS})
    live = LiveSite(Project(site.root, site.content, site.root / "unused"), BASE, jobs=1)
    path = site.content / "news/a-0.md"
    before = path.stat()
    assert "版本一" in live.build().files["news/a-0/index.html"].decode()
    path.write_text(path.read_text(encoding="utf-8").replace("版本一", "版本二"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # as if within the same tick
    assert path.stat().st_size == before.st_size
    assert "版本二" in live.build().files["news/a-0/index.html"].decode()
