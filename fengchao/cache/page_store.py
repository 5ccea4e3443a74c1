"""Rendered pages kept in the build cache by render key.

A CI job that restores `.cache/fengchao/` into a fresh checkout has the
cache but not the last output, so no page could be linked from it and every
page was rendered again (2.9 s of a 4 s cold build of 2,000 articles). The
build cache therefore also keeps each page of the output under its render
key (`pages/<key>`): a hard link to the output file, so no extra space on
the same disk. A page whose output file is gone is linked from here, if the
stored file still has the size and the digest of the bytes it was stored
with: a cache restored from an archive has new inodes and times, and a
hard link could have been written through.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def page_entry(data: bytes) -> tuple[int, str]:
    """What the store keeps of a page's bytes to check them before use."""
    return len(data), _digest(data)


class PageStore:
    def __init__(self, folder: Path, index: dict):
        self.folder = folder
        self.index = index  # render key → (size, digest of the bytes)
        self.kept: dict = {}  # this build's index, to be saved

    def get(self, key: str) -> str | None:
        """The stored page made from `key`, if its bytes are still the ones stored."""
        entry = self.index.get(key)
        if entry is None:
            return None
        path = os.path.join(self.folder, key)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        return path if page_entry(data) == tuple(entry) else None

    def keep(self, out: Path, keys: dict[str, str], made: dict | None = None) -> None:
        """Store each page of the new output `out` (rel → render key) that
        is not stored yet, and forget every other stored page. `made`: the
        `page_entry` of pages this build rendered (rel → entry), so their
        files need not be read back."""
        self.folder.mkdir(parents=True, exist_ok=True)
        made = made or {}
        folder, linkable = str(self.folder), True
        for rel, key in keys.items():
            entry = self.index.get(key)
            if entry is not None:  # checked against its bytes whenever it is used
                self.kept[key] = entry
                continue
            if not linkable:
                continue
            # String paths: this runs for every page of a cold build.
            source, target = f"{out}/{rel}", f"{folder}/{key}"
            try:
                entry = made.get(rel)
                if entry is None:
                    with open(source, "rb") as f:
                        entry = page_entry(f.read())
                try:
                    os.link(source, target)
                except FileExistsError:  # a stray file, not in the index
                    os.unlink(target)
                    os.link(source, target)
            except OSError as error:
                # The store only saves time. On another file system (the
                # cache moved by FENGCHAO_CACHE_DIR) no page can be linked:
                # stop trying instead of reading every page for nothing
                # (pages stored before are still kept).
                linkable = error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK)
                continue
            self.kept[key] = entry
        for name in os.listdir(self.folder):
            if name not in self.kept:
                os.unlink(self.folder / name)
