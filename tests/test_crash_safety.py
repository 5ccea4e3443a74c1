"""Nothing lost: a build killed at any moment, or two builds at once, leave a
complete site — the previous one or the new one, never a mix, never none.

The kill test builds a generated corpus (bench.corpus) in a subprocess and
SIGKILLs it at several points: during loading, during rendering, as soon as
the temporary folder appears, half-way through writing it, and at the swap.
Builds are deterministic, so "complete" is checked exactly: after each kill
the output's files and bytes equal either the old build or the new one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from fengchao.output.lock import build_lock, lock_path
from fengchao.output.write import MARKER, recover, write_site

EPOCH = "1767225600"  # 2026-01-01: every generated article is published


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def start_build(content: Path, out: Path, stderr=subprocess.PIPE, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "fengchao", "--root", str(REPO), "build", "--content", str(content), "--out", str(out)],
        env=dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, **env),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def run_build(content: Path, out: Path, **env) -> subprocess.CompletedProcess:
    proc = start_build(content, out, **env)
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def leftovers(out: Path) -> list[str]:
    """Our folders beside the output, but for the previous generation, which
    is kept for the next build to recycle (fengchao/recycle.py)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.is_dir() and p.name != f".{out.name}.prev")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Old and new content (the new one has one more article and a changed
    one), and the exact site each builds to."""
    base = tmp_path_factory.mktemp("corpus")
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(base / "old"), "--articles", "300", "--stations", "100", "--guides", "10"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    old = base / "old" / "content"
    new = base / "new" / "content"
    shutil.copytree(old, new)
    news = sorted((new / "news").rglob("*.md"))
    news[0].write_text(news[0].read_text(encoding="utf-8").replace("。", "。改。", 1), encoding="utf-8")
    (new / "news" / "zz-added.md").write_text("---\ntitle: 新增的一篇\ndate: 2025-12-30\n---\n\n新的正文。\n", encoding="utf-8")
    refs = {}
    for name, content in (("old", old), ("new", new)):
        result = run_build(content, base / f"ref-{name}")
        assert result.returncode == 0, result.stderr
        refs[name] = digest(base / f"ref-{name}")
    assert refs["old"] != refs["new"] and len(refs["old"]) > 500
    return {"old": old, "new": new, "refs": refs, "base": base}


def _wait_for(proc: subprocess.Popen, condition, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if condition():
            return True
        time.sleep(0.002)
    return False


def _tmp_dirs(out: Path) -> list[Path]:
    return [p for p in out.parent.glob(f".{out.name}.tmp-*") if p.is_dir()]


def _files_in(folders: list[Path]) -> int:
    return sum(len(files) for folder in folders for _, _, files in os.walk(folder))


# name → a fraction of a full build's time to wait, or a condition on
# (output, number of files in a complete site) to wait for.
KILL_POINTS = {
    "loading": 0.15,
    "rendering": 0.5,
    "temp-folder-appears": lambda out, total: bool(_tmp_dirs(out)),
    "half-written": lambda out, total: _files_in(_tmp_dirs(out)) > total // 2,
    "at-the-swap": lambda out, total: any(out.parent.glob(f".{out.name}.old-*")) or _files_in(_tmp_dirs(out)) >= total - 3,
}


def test_sigkill_at_any_point_leaves_a_complete_site(corpus, tmp_path):
    out = tmp_path / "site"
    first = run_build(corpus["old"], out)
    assert first.returncode == 0, first.stderr
    assert digest(out) == corpus["refs"]["old"]
    started = time.monotonic()
    timing = run_build(corpus["old"], out)
    full = time.monotonic() - started
    assert timing.returncode == 0

    killed = []
    for name, point in KILL_POINTS.items():
        proc = start_build(corpus["new"], out)
        if isinstance(point, float):
            time.sleep(full * point)
            hit = proc.poll() is None
        else:
            hit = _wait_for(proc, lambda: point(out, len(corpus["refs"]["new"])))  # noqa: B023 - called before the loop moves on
        if hit:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        if proc.returncode == -signal.SIGKILL:
            killed.append(name)
        after = digest(out)
        # Complete: exactly the old site or exactly the new one.
        assert after in (corpus["refs"]["old"], corpus["refs"]["new"]), f"killed {name}: the output is a mix or incomplete"
        if after == corpus["refs"]["new"]:
            # The swap happened; go back to the old site for the next kill point.
            assert run_build(corpus["old"], out).returncode == 0
    # The test is only worth something if the kills landed inside builds.
    assert len(killed) >= 4, f"only these kill points hit a running build: {killed}"

    final = run_build(corpus["new"], out)
    assert final.returncode == 0, final.stderr
    assert digest(out) == corpus["refs"]["new"]
    assert leftovers(out) == [], "a temporary folder of a killed build was left behind"


def test_kill_between_the_two_renames_is_repaired(tmp_path, monkeypatch):
    """Where the atomic exchange is unavailable the swap is two renames; a kill
    between them leaves only `.site.old-PID`, which the next build restores."""
    out = tmp_path / "site"
    write_site(out, [("index.html", b"old")], [])
    out.rename(tmp_path / ".site.old-4242")
    (tmp_path / ".site.tmp-4242").mkdir()
    (tmp_path / ".site.tmp-4242" / "index.html").write_bytes(b"half")
    recover(out)
    assert (out / "index.html").read_bytes() == b"old" and (out / MARKER).is_file()
    assert leftovers(out) == []

    import fengchao.output.write as write

    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    write_site(out, [("index.html", b"new")], [])
    assert (out / "index.html").read_bytes() == b"new" and leftovers(out) == []


def test_a_second_build_waits_for_the_lock_then_says_why_it_stopped(corpus, tmp_path):
    out = tmp_path / "site"
    assert run_build(corpus["old"], out).returncode == 0
    before = digest(out)
    with build_lock(out):
        result = run_build(corpus["old"], out, FENGCHAO_LOCK_TIMEOUT="1")
    assert result.returncode == 2, result.stderr
    assert f"另一个构建（进程 {os.getpid()}）仍在写入 {out}" in result.stderr
    assert "FENGCHAO_LOCK_TIMEOUT" in result.stderr and "Traceback" not in result.stderr
    assert digest(out) == before
    assert lock_path(out).is_file()


def test_a_waiting_build_continues_when_the_lock_is_released(corpus, tmp_path):
    out = tmp_path / "site"
    log = tmp_path / "stderr.txt"
    with build_lock(out), log.open("w", encoding="utf-8") as stderr:
        proc = start_build(corpus["new"], out, stderr=stderr)
        # It loads and renders, then waits at the lock and says so.
        assert _wait_for(proc, lambda: "正在写入" in log.read_text(encoding="utf-8"))
        time.sleep(0.5)
        assert proc.poll() is None and not out.exists()
    proc.communicate(timeout=120)
    assert proc.returncode == 0, log.read_text(encoding="utf-8")
    assert f"另一个构建（进程 {os.getpid()}）正在写入 {out}，等待它完成" in log.read_text(encoding="utf-8")
    assert digest(out) == corpus["refs"]["new"]


def test_two_builds_at_once_give_one_complete_site(corpus, tmp_path):
    out = tmp_path / "site"
    procs = [start_build(corpus["old"], out), start_build(corpus["new"], out)]
    for proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
    assert digest(out) in (corpus["refs"]["old"], corpus["refs"]["new"])
    assert leftovers(out) == []


# Files fengchao did not make ----------------------------------------------------------------


def test_new_never_overwrites_an_editors_file(make_site, cli):
    site = make_site({})
    first = cli("--root", site.root, "new", "news", "驿站开放")
    assert first.code == 0, first.err
    path = Path(first.out.strip())
    path.write_text(path.read_text(encoding="utf-8") + "\n编辑写的正文。\n", encoding="utf-8")
    before = path.read_bytes()
    again = cli("--root", site.root, "new", "news", "驿站开放")
    assert again.code == 2 and "已存在，没有覆盖" in again.err
    assert path.read_bytes() == before


@pytest.mark.parametrize("where", ["above-project", "symlink-to-content", "templates"])
def test_out_that_would_lose_files_is_refused(make_site, build, tmp_path, where):
    site = make_site({"news/a.md": "---\ntitle: 标题\ndate: 2024-08-19\n---\n\n正文\n"})
    link = tmp_path / "link"
    link.symlink_to(site.content)
    out = {"above-project": tmp_path, "symlink-to-content": link, "templates": site.root / "templates"}[where]
    before = digest(tmp_path)
    result = build(site, "--out", str(out))
    assert result.code == 2 and "拒绝" in result.err, result.err
    assert digest(tmp_path) == before
