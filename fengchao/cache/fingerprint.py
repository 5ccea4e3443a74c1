"""What the last build made, and from what: the fingerprint of every input
(so a build with nothing changed does nothing at all) and the identity of
every output file (so an unchanged page is linked, not written)."""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from fengchao.digests import SALT


@dataclass
class OutputState:
    """What the previous build wrote into one output folder."""

    fingerprint: str = ""  # of every input; "" = unknown
    valid_until: float = 0.0  # timestamp when a scheduled article appears or expires (publish.next_change)
    report: tuple = ()  # (pages, files, warnings) to repeat on a no-op build
    files: dict = field(default_factory=dict)  # rel path → (key, size, mtime_ns, inode)


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


def of_inputs(paths: list[Path], extra: str) -> str:
    """Hash of the content of every file under `paths` (files or folders), with names."""
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
                if not stat.S_ISREG(os.stat(path).st_mode):
                    # A named pipe would block the read forever; load reports it.
                    data = b"not a regular file"
                else:
                    with open(path, "rb") as f:
                        data = f.read()
            except OSError as exc:  # load reports it; the fingerprint only has to differ
                data = f"unreadable: {exc}".encode()
            name = path.encode("utf-8", "surrogateescape")
            h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


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
