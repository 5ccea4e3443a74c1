"""What the last build made, and from what: the fingerprint of every input
(so a build with nothing changed does nothing at all) and the identity of
every output file (so an unchanged page is linked, not written)."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from fengchao.digests import SALT, Memo

# Input files this large (photos) are hashed once and then known by their
# stat: reading and hashing 100 camera photos was ~0.9 s of every build,
# nine tenths of one with nothing changed. Smaller files (Markdown, YAML,
# templates) are read every time: as cheap as the stat, and their content
# is what an edit changes.
LARGE = 256 * 1024


@dataclass
class OutputState:
    """What the previous build wrote into one output folder."""

    fingerprint: str = ""  # of every input; "" = unknown
    valid_until: float = 0.0  # timestamp when a scheduled article appears or expires (publish.next_change)
    report: tuple = ()  # (pages, files, warnings) to repeat on a no-op build
    files: dict = field(default_factory=dict)  # rel path → (key, size, mtime_ns, inode)
    large: dict = field(default_factory=dict)  # (path, size, mtime_ns, ctime_ns, inode) → digest of a LARGE input file


def record_output(out: Path, keys: dict[str, str], known: dict | None = None) -> dict:
    """rel → (key, size, mtime_ns, inode) of each file as now on disk.

    `known`: entries of files linked unchanged from the last output, which
    `reusable` has just checked against the disk (~40 ms of stat calls for
    3,500 files saved). Were one wrong, the next build would only fail to
    reuse that file."""
    files = {}
    known = known or {}
    for rel, key in keys.items():
        entry = known.get(rel)
        if entry is not None and entry[0] == key:
            files[rel] = entry
            continue
        st = os.stat(f"{out}/{rel}")  # a string path, as in `live_file`: every new file of a build
        files[rel] = (key, st.st_size, st.st_mtime_ns, st.st_ino)
    return files


def of_inputs(paths: list[Path], extra: str, large: Memo | None = None) -> str:
    """Hash of the content of every file under `paths` (files or folders), with names.

    `large`: digests of LARGE files by their stat (OutputState.large); one
    whose stat is there is not read. The ctime is in the key because no
    program sets it back: a file rewritten with its old size and mtime
    (`cp -p`, an archive) is read again. A stat that differs only costs a
    read (a fresh checkout): the digest, and so the fingerprint, is the same."""
    h = hashlib.blake2b(SALT.encode() + extra.encode(), digest_size=20)
    for base in paths:
        if base.is_file():
            files = [str(base)]
        elif base.is_dir():
            files = _walk(str(base))
        else:
            h.update(b"missing:" + str(base).encode())
            continue
        for path in files:
            try:
                st = os.stat(path)
                if not stat.S_ISREG(st.st_mode):
                    # A named pipe would block the read forever; load reports it.
                    data = b"not a regular file"
                elif st.st_size >= LARGE and large is not None:
                    data = _large_digest(path, st, large)
                else:
                    with open(path, "rb") as f:
                        data = f.read()
            except OSError as exc:  # load reports it; the fingerprint only has to differ
                data = f"unreadable: {exc}".encode()
            name = path.encode("utf-8", "surrogateescape")
            h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _large_digest(path: str, st: os.stat_result, large: Memo) -> bytes:
    def read() -> bytes:
        with open(path, "rb") as f:
            return b"large:" + hashlib.blake2b(f.read(), digest_size=20).digest()

    return large.by_stat(path, st, read)


def _walk(base: str) -> list[str]:
    """Every file under `base`, sorted, following symlinks as `load` does (once each)."""
    found, seen = [], set()
    for dirpath, dirnames, filenames in os.walk(base, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames.sort()
        found += [os.path.join(dirpath, name) for name in sorted(filenames)]
    return found
