"""Deleting the previous output without making the build wait for it.

After the swap, the old output folder is no longer visible to anyone; deleting
its thousands of files is pure cost (on a busy CI disk it took longer than
rendering an edited page). A large folder is therefore deleted by a detached
process (double fork: no zombie, nothing for the build to wait on). If that
process is killed, the next build's `write.recover` removes the leftover
(renamed `.site.tmp-old-PID` first, so recover never mistakes it for a
previous output to restore).
Small folders, and systems without fork, are deleted in place.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

BACKGROUND_FROM = 1000  # files; below this, deleting in place is quicker than forking


def discard(folder: Path, files: int) -> None:
    if files < BACKGROUND_FROM or not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    # First out of `recover`'s way: it may resurrect a `.site.old-*` folder
    # (never a half-deleted one, under this name), and removes `.site.tmp-*`.
    doomed = folder.with_name(folder.name.replace(".old-", ".tmp-old-", 1))
    try:
        folder.rename(doomed)
        folder = doomed
    except OSError:
        pass
    try:
        child = os.fork()
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    if child:
        os.waitpid(child, 0)  # the child exits at once, after forking the deleter
        return
    try:
        if os.fork() == 0:
            os.setsid()
            # Let go of the build's stdout/stderr: whoever reads them (CI, a
            # pipe) sees the build end when it ends, not when this does.
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(0)
