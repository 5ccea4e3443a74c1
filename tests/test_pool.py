"""The build's worker pool: the same output and the same cache whatever
`--jobs` is, on every start method, and no worker left behind however a
build ends.

Each test lowers `parallel.MIN_PER_WORKER` so that a small site goes through
the pool, and counts what the pool was sent, so a test cannot pass because
everything quietly ran in one process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from test_build_cache import append, files, inodes, make_project, replace
from test_live import BASE, served

from fengchao import pool as parallel
from fengchao.pipeline import Project
from fengchao.render import pages as incremental
from fengchao.serve.rebuild import LiveSite

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    return make_project(tmp_path / "project")


@pytest.fixture
def sent(monkeypatch):
    """Chunks submitted to worker processes in this test, as (factory name,
    items); a `None` entry for each pool started."""
    seen: list = []

    class Counting(ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            seen.append(None)
            super().__init__(*args, **kwargs)

        def submit(self, fn, /, *args, **kwargs):
            if fn is parallel._run:
                seen.append((parallel.pickle.loads(args[1])[0].__name__, len(args[2])))
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    return seen


def run(root: Path, *args: str) -> int:
    from fengchao.cli import main

    return main(["--root", str(root), "build", "--no-search", *args])


@pytest.mark.parametrize("first, second", [("1", "2"), ("2", "1")])
def test_the_cache_of_one_jobs_setting_serves_another(project, sent, first, second):
    """A page's key does not depend on the process that renders it: CI may
    restore a cache written on a machine with another number of cores."""
    out = project / "site"
    # With a summary, list pages don't show the paragraph added below.
    replace(project / "content/news/a-5.md", "category: 关爱行动", "category: 关爱行动\nsummary: 第五篇的摘要。")
    assert run(project, "--jobs", first) == 0
    before_bytes, before_inodes = files(out), inodes(out)
    append(project / "content/news/a-5.md", "\n新增的最后一段。\n")
    assert run(project, "--jobs", second) == 0
    after = inodes(out)
    rewritten = {rel for rel in after if after[rel] != before_inodes.get(rel)} - {".fengchao-output"}
    assert rewritten == {"news/a-5/index.html", "feed.xml"}
    assert len(before_bytes) > 50
    # The --jobs 2 build really rendered pages in workers (the cold one, or
    # the two pages of the edit).
    assert any(entry and entry[0] == "_page_worker" for entry in sent)


def test_a_pooled_build_equals_a_one_process_build_with_spawned_workers(project, sent, monkeypatch, tmp_path):
    """Where there is no fork (Windows), workers start as new interpreters
    and get everything pickled; the output must not change."""
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")
    assert run(project, "--jobs", "1", "--no-cache", "--out", str(tmp_path / "one")) == 0
    assert not sent
    assert run(project, "--jobs", "2", "--no-cache", "--out", str(tmp_path / "spawned")) == 0
    # Markdown, the content checker's documents and the pages all went to the workers.
    assert {entry[0] for entry in sent if entry} == {"_md_worker", "_docs_worker", "_page_worker"}
    one = files(tmp_path / "one")
    assert len(one) > 50 and files(tmp_path / "spawned") == one


def test_the_preview_renders_a_template_edit_in_the_pool(project, sent, monkeypatch):
    """`serve` renders in a pool of its own when many pages are stale (a
    template edit); the pages must be those of a one-process preview."""
    monkeypatch.setattr("fengchao.serve.rebuild.POOL_FROM", 0)
    alone = LiveSite(Project(project, project / "content", project / "unused"), BASE, jobs=1)
    pooled = LiveSite(Project(project, project / "content", project / "unused"), BASE, jobs=2)
    assert served(pooled) == served(alone)
    append(project / "templates/base.html", "\n<!-- edited -->\n")
    sent.clear()
    got = served(pooled)
    assert {entry[0] for entry in sent if entry} == {"_page_worker"}
    assert got == served(alone)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("how", ["content error", "broken link", "crash in a worker"])
def test_no_worker_outlives_a_failed_build(project, sent, monkeypatch, how):
    if how == "content error":  # found by validate, before anything is rendered
        (project / "content/news/a-2.md").write_text("---\ntitle: 没有日期\n---\n\n正文。\n", encoding="utf-8")
    elif how == "broken link":  # found by the link check, after the workers rendered
        append(project / "content/news/a-3.md", "\n去[没有的驿站](/stations/no-such/)看看。\n")
    else:  # a bug: an exception in a worker, inherited through fork

        def broken(*args):
            raise RuntimeError("bug in a worker")

        monkeypatch.setattr(incremental, "_render", broken)
    if how == "crash in a worker":
        with pytest.raises(RuntimeError, match="bug in a worker"):
            from fengchao.pipeline import build

            build(Project(project, project / "content", project / "site"), jobs=2, search=False)
        assert any(entry and entry[0] == "_page_worker" for entry in sent)
    else:
        assert run(project, "--jobs", "2") == 1
        assert sent[0] is None  # the pool was started (at the start of the build)
        assert any(entry and entry[0] == "_md_worker" for entry in sent) == (how == "broken link")
    assert multiprocessing.active_children() == []
    assert not list(project.glob(".site.spool-*"))


@pytest.mark.parametrize("fails", [False, True])
def test_the_workers_collect_garbage_and_the_build_leaves_the_collector_as_it_was(project, sent, monkeypatch, fails):
    """The build turns the cycle collector off in its own process (what it
    makes lives until it ends), but the workers run Python-Markdown and Jinja,
    which make reference cycles for every page: without collecting, their
    memory would grow with the site. A long-running caller (the preview, a
    test run) gets the collector back as it was, whether the build failed or not."""
    import gc

    real = incremental._render

    def checking(*args, **kwargs):
        if not gc.isenabled():
            raise RuntimeError("a worker renders with the garbage collector off")
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "_render", checking)
    if fails:
        append(project / "content/news/a-3.md", "\n去[没有的驿站](/stations/no-such/)看看。\n")
    threshold = gc.get_threshold()
    assert gc.isenabled()
    assert run(project, "--jobs", "2") == (1 if fails else 0)
    assert any(entry and entry[0] == "_page_worker" for entry in sent)
    assert gc.isenabled() and gc.get_threshold() == threshold


DRIVER = """
import multiprocessing, sys, time
from fengchao.check import content as lint
from fengchao import pool as parallel
parallel.MIN_PER_WORKER = 1
def hold(*args, **kwargs):
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    time.sleep(300)
lint.lint_site = hold  # the pipeline imports it when the build gets there
from fengchao.cli import main
main(sys.argv[1:])
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited; its new parent reaps it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc (Linux)")
def test_workers_leave_when_the_build_is_killed(project):
    """SIGKILL (an OOM kill, a cancelled CI job) gives the build no chance to
    shut its pool down; the workers notice their parent is gone and exit."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, "--root", str(project), "build", "--jobs", "2"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in proc.stdout.readline().split()]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert len(workers) == 2, "the pool should be running while the build checks content"
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if _alive(pid)]
    for pid in left:  # don't leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived their build"


def test_the_content_checker_finds_the_same_in_the_workers(project, sent, capsys, tmp_path):
    """Findings made in a worker come back with their document's path, line and column."""
    append(project / "content/news/a-3.md", "\n请联系 13912345678 报名。\n")
    assert run(project, "--jobs", "1", "--no-cache", "--out", str(tmp_path / "one")) == 0
    alone = capsys.readouterr().err
    assert not sent
    assert run(project, "--jobs", "2", "--no-cache", "--out", str(tmp_path / "two")) == 0
    pooled = capsys.readouterr().err
    assert any(entry and entry[0] == "_docs_worker" for entry in sent)
    assert "content/news/a-3.md:" in pooled and "mobile-number" in pooled and "139****5678" in pooled
    assert pooled == alone
