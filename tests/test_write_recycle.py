"""The write stage builds in the previous generation of the output (recycle.py)
without ever touching the live site, and a background deleter never holds
the build lock.

What a reader or an editor would notice if this broke: a stale or missing
page after an edit (the recycled output must be the clean build byte for
byte), a page changing under a reader's feet before the swap (a file of the
live site written through a hard link), a site lost to a killed build, or a
build that waits for the previous one's clean-up.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_build_cache import EPOCH, append, article, build, files, make_project, replace

from conftest import REPO
from fengchao.output import discard
from fengchao.output.lock import build_lock
from fengchao.output.write import MARKER, write_site
from fengchao.problems import UsageError


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file: its inode and its bytes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def prev_of(out: Path) -> Path:
    return out.parent / f".{out.name}.prev"


@contextlib.contextmanager
def pinned(folder: Path):
    """The folder's inode number, held open meanwhile: a folder deleted and
    a new one made could otherwise get the same number."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if folder.exists() else None
    try:
        yield os.fstat(fd).st_ino if fd is not None else None
    finally:
        if fd is not None:
            os.close(fd)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_project(tmp_path / "project")


# Each step changes the project; every build after it must recycle the
# previous generation and still equal a clean build.
STEPS = {
    "page edited": lambda root: append(root / "content/news/a-4.md", "\n改过的一段。\n"),
    "page removed": lambda root: (root / "content/news/a-13.md").unlink(),
    "page added": lambda root: (root / "content/news/new-1.md").write_text(article(1, ["庆小驿"], title="新加的文章"), encoding="utf-8"),
    "asset changed": lambda root: append(root / "assets/site.css", "\n.recycled { color: #000 }\n"),
    "search on": lambda root: None,
    "page edited with search": lambda root: replace(root / "content/news/a-2.md", "的正文", "的正文（改）"),
    "search off": lambda root: None,
}


def test_recycled_output_equals_a_clean_build_and_the_live_site_is_never_written(project, tmp_path):
    out = project / "site"
    search = ["--no-search"]
    assert build(project, out, *search) == 0
    assert build(project, out, *search) == 0  # a no-op build: no swap
    append(project / "content/news/a-1.md", "\n第二代。\n")
    assert build(project, out, *search) == 0
    assert prev_of(out).is_dir()
    for n, (name, step) in enumerate(STEPS.items()):
        step(project)
        search = [] if name in ("search on", "page edited with search") else ["--no-search"]
        live = snapshot(out)
        with pinned(prev_of(out)) as prev_inode:
            assert build(project, out, *search) == 0, name
        # The folder now being served is the previous generation, brought up to date…
        assert out.stat().st_ino == prev_inode, f"{name}: the previous generation was not recycled"
        # …and the folder swapped out is the old live site exactly: same
        # files, same inodes, same bytes. Writing through a hard link shared
        # with the live site would show here as old inodes with new bytes.
        assert snapshot(prev_of(out)) == live, f"{name}: a file of the live site was modified in place"
        clean = tmp_path / f"clean-{n}"
        assert build(project, clean, "--no-cache", *search) == 0
        assert files(out) == files(clean), f"{name}: the recycled output differs from a clean build"
    assert not (out / "pagefind").exists() and (tmp_path / "clean-5" / "pagefind" / "pagefind.js").is_file()


def test_write_site_recycles_whatever_shape_the_previous_generation_has(tmp_path):
    out = tmp_path / "site"
    generations = [
        {"a/index.html": b"1", "b": b"file", "c/d/e.txt": b"deep"},
        {"a/index.html": b"2", "b/index.html": b"now a folder"},
        {"a": b"now a file", "b/index.html": b"now a folder", "c/d/e.txt": b"back"},
        {"a/index.html": b"3", "b": b"a file again"},
    ]
    for n, generation in enumerate(generations):
        with pinned(prev_of(out)) as prev_inode:
            write_site(out, sorted(generation.items()), [])
        assert files(out) == {**generation, MARKER: (out / MARKER).read_bytes()}, n
        if prev_inode is not None:
            assert out.stat().st_ino == prev_inode, f"generation {n} was not built in the previous one"


def test_a_previous_generation_that_is_not_ours_is_not_recycled(tmp_path):
    out = tmp_path / "site"
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / MARKER).write_text("x", encoding="utf-8")
    (outside / "notes.txt").write_text("编辑的文件", encoding="utf-8")
    write_site(out, [("index.html", b"1")], [])
    # A symlink under our name, to a folder that even looks like an output:
    # never followed, never emptied.
    prev_of(out).symlink_to(outside, target_is_directory=True)
    write_site(out, [("index.html", b"2")], [])
    assert sorted(p.name for p in outside.iterdir()) == [MARKER, "notes.txt"]
    assert (out / "index.html").read_bytes() == b"2"
    assert not prev_of(out).is_symlink() and (prev_of(out) / "index.html").read_bytes() == b"1"
    # A folder without the marker is not trusted either: discarded, and the
    # build starts from an empty folder (its stray file does not reach the site).
    (prev_of(out) / MARKER).unlink()
    (prev_of(out) / "stray.html").write_bytes(b"stray")
    with pinned(prev_of(out)) as prev_inode:
        write_site(out, [("index.html", b"3")], [])
        assert out.stat().st_ino != prev_inode
    assert sorted(files(out)) == [MARKER, "index.html"]


def test_a_previous_generation_that_cannot_be_pruned_is_replaced_by_a_new_folder(tmp_path, monkeypatch):
    import fengchao.output.write as write

    out = tmp_path / "site"
    write_site(out, [("a/index.html", b"1")], [])
    write_site(out, [("a/index.html", b"2")], [])

    def refuses(folder, wanted):
        raise PermissionError(13, "Permission denied", str(folder / "a"))

    monkeypatch.setattr(write, "prune", refuses)
    with pinned(prev_of(out)) as prev_inode:
        write_site(out, [("a/index.html", b"3"), ("b/index.html", b"new")], [])
        assert out.stat().st_ino != prev_inode
    assert files(out) == {"a/index.html": b"3", "b/index.html": b"new", MARKER: (out / MARKER).read_bytes()}


# A kill in the middle of recycling -----------------------------------------------------------

DRIVER = """
import os, signal, sys
from fengchao.render import pages as incremental
from fengchao.output import recycle
from fengchao.output import search_index as search
from fengchao.output import write
point, after = sys.argv[1], int(sys.argv[2])
module, name = {"pruning": (recycle.shutil, "rmtree"), "writing": (incremental, "_spool"),
                "linking": (write, "_link"), "indexing": (search, "index_site")}[point]
real, calls = getattr(module, name), []
def killing(*args, **kwargs):
    calls.append(1)
    if len(calls) > after:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(module, name, killing)
from fengchao.cli import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize("point, after", [("pruning", 0), ("writing", 2), ("linking", 20), ("indexing", 0)])
def test_a_kill_while_recycling_leaves_the_live_site_and_the_next_build_is_right(project, tmp_path, point, after):
    out = project / "site"
    assert build(project, out) == 0
    append(project / "content/news/a-1.md", "\n第二代。\n")
    assert build(project, out) == 0
    # The killed build removes a page (pruning), rewrites two (writing),
    # links the rest (linking) and indexes them (indexing).
    (project / "content/news/a-13.md").unlink()
    append(project / "content/news/a-3.md", "\n第三代。\n")
    live = snapshot(out)
    # Pages are written into a spool beside the output (by the render
    # workers; with --jobs 1 by the build itself, which the kill then hits)
    # and linked into the recycled folder (the "linking" case).
    jobs = ["--jobs", "1"] if point == "writing" else []
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, point, str(after), "--root", str(project), "build", "--out", str(out), *jobs],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # The render workers' spool of pages (.site.spool-PID) is left too; the
    # next build removes it (its process is dead), as the last line checks.
    beside = sorted(p.name for p in project.iterdir() if p.name.startswith(".site.") and ".spool-" not in p.name)
    if point == "writing":  # killed while rendering into the spool: recycling had not begun
        assert beside == [".site.lock", ".site.prev"] and any(".spool-" in p.name for p in project.iterdir()), beside
    else:
        assert beside[0] == ".site.lock" and beside[1].startswith(".site.tmp-") and len(beside) == 2, f"not killed while recycling: {beside}"
    assert snapshot(out) == live, "the kill changed the live site"
    assert build(project, out) == 0
    clean = tmp_path / "clean"
    assert build(project, clean, "--no-cache") == 0
    assert files(out) == files(clean)
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site.")) == [".site.lock", ".site.prev"]


# The background deleter and the build lock ---------------------------------------------------


def test_the_background_deleter_does_not_hold_the_build_lock(tmp_path, monkeypatch):
    out = tmp_path / "site"
    old = tmp_path / ".site.old-1"
    (old / "news").mkdir(parents=True)
    (old / "news" / "index.html").write_bytes(b"old")
    deleting = tmp_path / "deleting"

    def slow(trash: Path, out_name: str) -> None:  # runs in the detached process
        deleting.touch()
        time.sleep(3)
        shutil.rmtree(trash)
        deleting.unlink()

    monkeypatch.setattr(discard, "_delete", slow)
    with build_lock(out):  # as in write_site: the old output is discarded under the lock
        discard.discard(old, discard.BACKGROUND_FROM)
    for _ in range(100):
        if deleting.exists():
            break
        time.sleep(0.02)
    assert deleting.exists(), "the background deleter did not start"
    try:
        with build_lock(out, timeout=0):  # the next build gets the lock at once
            pass
    except UsageError as exc:
        pytest.fail(f"the next build has to wait for the background deleter: {exc}")
    for _ in range(300):
        if not deleting.exists():
            break
        time.sleep(0.02)
    assert not old.exists() and not deleting.exists()
    assert [p.name for p in tmp_path.iterdir() if ".trash-" in p.name] == []


def _spool(folder: Path, pages: dict[str, str]) -> tuple[Path, list[str]]:
    for rel, text in pages.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder, list(pages)


def test_a_spool_of_pages_becomes_the_output_or_is_linked_into_the_recycled_one(tmp_path):
    out = tmp_path / "site"
    # First build: nothing to recycle, so the spool folder itself is swapped
    # in: its pages keep their inodes (no second write, no link per page).
    spool = _spool(tmp_path / ".site.spool-1", {"index.html": "首页", "news/a/index.html": "甲"})
    inode = (spool[0] / "news/a/index.html").stat().st_ino
    write_site(out, [("data.json", b"{}")], [], [], None, spool)
    assert not spool[0].exists()
    assert (out / "news/a/index.html").stat().st_ino == inode
    assert {rel: data for rel, (_, data) in snapshot(out).items()} == {
        MARKER: (out / MARKER).read_bytes(),
        "data.json": b"{}",
        "index.html": "首页".encode(),
        "news/a/index.html": "甲".encode(),
    }
    # Two more builds: the second recycles the first's folder, whose news/a
    # must go; the spooled page is linked in, and the unchanged one kept.
    for text in ("乙", "丙"):
        spool = _spool(tmp_path / ".site.spool-1", {"news/b/index.html": text})
        write_site(out, [], [], [("index.html", out / "index.html")], None, spool)
        shutil.rmtree(spool[0], ignore_errors=True)
        assert sorted(rel for rel in snapshot(out) if rel != MARKER) == ["index.html", "news/b/index.html"]
        assert (out / "news/b/index.html").read_text(encoding="utf-8") == text
    assert prev_of(out).is_dir()  # the last build did recycle
    # A spool with a path out of the folder is refused like any other output path.
    with pytest.raises(ValueError):
        write_site(out, [], [], [], None, (tmp_path / "nowhere", ["../escape.html"]))
    assert (out / "news/b/index.html").read_text(encoding="utf-8") == "丙"
