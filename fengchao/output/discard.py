"""Deleting a folder of ours without making the build wait for it.

The swapped-out output is normally kept for the next build (recycle.py); what
is thrown away is a `.site.prev` that cannot be recycled and the like, and
deleting thousands of files is pure cost (on a busy CI disk it took longer
than rendering an edited page). A large folder is therefore renamed
`.site.trash-PID` and deleted by a detached process (double fork: no zombie,
nothing for the build to wait on). That process first lets go of every
descriptor it inherited, the build lock's above all (see `discard`).
`write.recover` neither restores nor waits for trash; the next deleter also
removes trash left by one that was killed. Small folders, and systems
without fork, are deleted in place.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

BACKGROUND_FROM = 1000  # files; below this, deleting in place is quicker than forking


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def discard(folder: Path, files: int) -> None:
    if files < BACKGROUND_FROM or not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    # ".site.old-PID" (or ".site.prev") → ".site.trash-PID": a name
    # recover() leaves alone.
    match = re.fullmatch(r"\.(.+)\.(?:old-\d+|tmp-\d+|prev)", folder.name)
    out_name = match.group(1) if match else folder.name.removeprefix(".")
    trash = folder.with_name(f".{out_name}.trash-{os.getpid()}")
    try:
        folder.rename(trash)
        child = os.fork()
    except OSError:
        shutil.rmtree(trash if trash.exists() else folder, ignore_errors=True)
        return
    if child:
        os.waitpid(child, 0)  # the child exits at once, after forking the deleter
        return
    try:
        # Let go of every file the build has open. The build lock above all:
        # flock belongs to the open file description, which fork shares, so a
        # deleter holding the descriptor would hold the lock until it is done
        # and the next build would wait for it. Also the build's
        # stdout/stderr: whoever reads them (CI, a pipe) sees the build end
        # when it ends, not when this does.
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, _max_fd())
        if os.fork() == 0:
            os.setsid()
            _delete(trash, out_name)
    finally:
        os._exit(0)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (AttributeError, ValueError, OSError):
        return 65536


def _delete(trash: Path, out_name: str) -> None:
    """In the detached process: this trash, and any a killed deleter left."""
    shutil.rmtree(trash, ignore_errors=True)
    remove_orphans(trash.parent, out_name, "trash")


def remove_orphans(parent: Path, out_name: str, kind: str) -> None:
    """Delete our `.{out_name}.{kind}-PID` folders whose process has died
    (a live one's, this process's included, is still in use)."""
    for folder in parent.glob(f".{out_name}.{kind}-*"):
        pid = folder.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)) and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
