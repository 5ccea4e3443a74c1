"""One build at a time per output folder.

Two builds writing the same output would each clean up the other's
temporary folder (`write.recover`) and race on the swap. The lock is a file
beside the output (`.site.lock`), held with `fcntl.flock`: the kernel drops it
when the process dies, even by SIGKILL, so a crashed build never leaves a
stale lock behind. A second build waits, says for whom, and gives up with a
clear message after a timeout.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from pathlib import Path

from fengchao.problems import UsageError

try:
    import fcntl
except ImportError:  # Windows: no flock; builds there are not locked.
    fcntl = None

# Seconds a build waits for another one writing the same output.
LOCK_TIMEOUT = float(os.environ.get("FENGCHAO_LOCK_TIMEOUT", "600"))


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextlib.contextmanager
def build_lock(out: Path, timeout: float | None = None):
    """Hold the output's lock for the duration of the block."""
    if fcntl is None:
        yield
        return
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, out, timeout)
        # The holder's pid, for the message a waiting build prints.
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, path: Path, out: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        holder = _holder(path)
        if not told:
            print(f"另一个构建（进程 {holder}）正在写入 {out}，等待它完成……", file=sys.stderr)
            told = True
        if time.monotonic() >= deadline:
            raise UsageError(
                f"等待了 {timeout:g} 秒，另一个构建（进程 {holder}）仍在写入 {out}（锁文件 {path}）。"
                "请等它结束后再试；等待时间可用环境变量 FENGCHAO_LOCK_TIMEOUT 设置"
            )
        time.sleep(0.1)


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii").strip() or "?"
    except (OSError, UnicodeDecodeError):
        return "?"
