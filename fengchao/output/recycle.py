"""The previous generation of the output, kept to build the next one in.

Every build writes into a temporary folder and swaps it in (write.py). Making
that folder from nothing costs one `mkdir` per page (every page is
`x/index.html`: ~3,500 folders for the 2,000-article corpus), which was most
of the write stage of a one-article edit. So the folder swapped out is not
deleted but kept beside the output as `.site.prev`, and the next build renames
it to its temporary folder and brings it up to date (`prune`, then write.py):

- whatever the new output does not contain is removed (files, folders,
  symlinks, the search index, which the finish step makes anew);
- a file to be linked from the live output is left alone when it already is
  that file (same inode and device), else replaced by the link;
- every file written or copied is first unlinked, then created with O_EXCL.
  The old generation shares inodes with the live site (unchanged files are
  hard links), so writing through an existing file could change the site
  readers are being served; O_EXCL makes that impossible, not just unlikely.

Any state of a folder of ours is a valid starting point, because nothing in
it is trusted except by inode against the live site: a half-recycled
temporary folder left by a killed build is recycled by the next one
(`write.recover` keeps it as `.site.prev`). Only our own names are recycled,
only real folders (never through a symlink) that carry the output marker;
anything else under the name `.site.prev` is discarded and the build starts
from an empty folder.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from fengchao.output.discard import discard


def previous_path(out: Path) -> Path:
    return out.parent / f".{out.name}.prev"


def _real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def is_ours(folder: Path, marker: str) -> bool:
    """A real folder (not a symlink to one) holding the output marker as a real file."""
    try:
        return _real_dir(folder) and stat.S_ISREG(os.lstat(folder / marker).st_mode)
    except OSError:
        return False


def take_previous(out: Path, tmp: Path, marker: str) -> bool:
    """Rename `.site.prev` to `tmp` if it is ours; discard it otherwise."""
    prev = previous_path(out)
    if not os.path.lexists(prev):
        return False
    if is_ours(prev, marker):
        try:
            prev.rename(tmp)
            return True
        except OSError:
            pass
    _throw_away(prev)
    return False


def keep_previous(out: Path, folder: Path, marker: str) -> bool:
    """Keep `folder` (a swapped-out output, or a killed build's temporary
    folder) as `.site.prev` for the next build, if there is none yet."""
    prev = previous_path(out)
    if os.path.lexists(prev) or not is_ours(folder, marker):
        return False
    try:
        folder.rename(prev)
    except OSError:
        return False
    return True


def _throw_away(path: Path) -> None:
    if _real_dir(path):
        discard(path, 1 << 30)  # size unknown: in the background
    else:
        os.unlink(path)  # a file or a symlink under our name: only the name goes


@dataclass
class Tree:
    """What a recycled folder holds after `prune`: folders and regular files, by relative path."""

    dirs: set = field(default_factory=set)  # "" is the folder itself
    files: set = field(default_factory=set)


def wanted_dirs(files: set[str]) -> set[str]:
    dirs = {""}
    for rel in files:
        cut = rel.rfind("/")
        while cut > 0 and rel[:cut] not in dirs:
            dirs.add(rel[:cut])
            cut = rel.rfind("/", 0, cut)
    return dirs


def prune(folder: Path, files: set[str]) -> Tree:
    """Remove from `folder` everything that is not one of `files` or a folder
    on the way to one; return what is left. Never follows a symlink."""
    dirs = wanted_dirs(files)
    tree = Tree({""}, set())
    stack = [(str(folder), "")]
    while stack:
        path, prefix = stack.pop()
        with os.scandir(path) as entries:
            found = list(entries)
        for entry in found:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if rel in dirs:
                    tree.dirs.add(rel)
                    stack.append((entry.path, rel + "/"))
                else:
                    shutil.rmtree(entry.path)
            elif rel in files and entry.is_file(follow_symlinks=False):
                tree.files.add(rel)
            else:
                os.unlink(entry.path)
    return tree
