"""Reproducible output: the same content gives the same bytes.

Deploys (rsync, object storage, CDN caches) and reviewers diffing two builds
rely on this. The two builds run in separate processes with different hash
seeds, from copies of the content written in a different order, and at
different (pinned) build times after every article's date — none of that may
show in the output.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _copy_reversed(src: Path, dst: Path) -> None:
    """Copy a tree creating files in reverse order (so directory listing order differs)."""
    files = sorted((p for p in src.rglob("*") if p.is_file()), reverse=True)
    for f in files:
        target = dst / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)


def _build(content: Path, out: Path, hash_seed: str, epoch: str, *extra: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, SOURCE_DATE_EPOCH=epoch)
    proc = subprocess.run(
        [sys.executable, "-m", "fengchao", "--root", str(REPO), "build", "--content", str(content), "--out", str(out), *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path):
    content_b = tmp_path / "content-copy"
    _copy_reversed(REPO / "content", content_b)
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    _build(REPO / "content", out_a, "1", "1767225600")  # 2026-01-01
    _build(content_b, out_b, "4242", "1798761600", "--jobs", "2")  # 2027-01-01, another process layout
    a, b = _digest(out_a), _digest(out_b)
    assert len(a) > 40
    assert sorted(a) == sorted(b), f"different files: {sorted(set(a) ^ set(b))}"
    differing = [rel for rel in a if a[rel] != b[rel]]
    assert not differing, f"files whose bytes differ between two builds: {differing}"
    # The comparison covered the machine-read files too.
    for rel in ["feed.xml", "sitemap.xml", "stations/stations.json", "stations/stations.geojson", "index.html", "_headers"]:
        assert rel in a


def test_no_build_time_in_the_output(tmp_path):
    """Without SOURCE_DATE_EPOCH "now" decides what is published, but it never
    shows up in the bytes: a build now equals a build pinned to another day."""
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    _build(REPO / "content", out_a, "7", "1798761600")
    proc = subprocess.run(
        [sys.executable, "-m", "fengchao", "--root", str(REPO), "build", "--out", str(out_b)],
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert _digest(out_a) == _digest(out_b)
