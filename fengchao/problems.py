"""Errors as data: every stage returns problems instead of raising them.

A build collects every `Problem` of every stage and shows them together, each
as `path:line: message`, so an editor fixes a whole batch in one go.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"
    col: int = 0  # 1-based character column, 0 when unknown
    rule: str = ""  # content-checker rule id (fengchao/lint.py), "" for others

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        if self.line and self.col:
            where += f":{self.col}"
        prefix = "" if self.severity == "error" else "警告："
        rule = f"{self.rule}: " if self.rule else ""
        return f"{where}: {rule}{prefix}{self.message}"


def display_path(path: Path, root: Path) -> str:
    """The path an editor recognises: relative to the project when possible."""
    # abspath, not resolve: a symlink is shown where the editor put it (and
    # resolving a symlink loop raises).
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(root)), root.resolve()):
        try:
            return absolute.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


class BuildFailed(Exception):
    """Raised at the end of a stage when it collected errors."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems)


class UsageError(Exception):
    """Wrong command-line usage (exit status 2)."""


# What a file-system failure means for an editor, and the way out.
_OS_ERRORS = {
    errno.ENOSPC: "磁盘已满。请清理磁盘空间后重试（旧的输出和 .cache/fengchao/ 可以放心删除）",
    errno.EDQUOT: "超出了磁盘配额。请清理空间后重试",
    errno.EACCES: "没有权限。请检查这个文件或文件夹的权限（或换一个 --out 输出文件夹）",
    errno.EPERM: "不允许这样操作。请检查这个文件或文件夹的权限（或换一个 --out 输出文件夹）",
    errno.EROFS: "所在的文件系统是只读的。请换一个可写的 --out 输出文件夹",
    errno.ENAMETOOLONG: "文件名太长（一个文件名最多 255 字节）。请缩短文件名、slug、标签或分类",
    errno.EMFILE: "同时打开的文件太多。请稍后重试，或调高系统的打开文件数上限（ulimit -n）",
    errno.EIO: "读写出错（磁盘或网络文件系统故障）。请检查磁盘后重试",
}


def os_error_text(exc: OSError) -> str:
    """`path：what happened。what to do`, for any OSError a user's machine can cause."""
    where = exc.filename if isinstance(exc.filename, str) else (os.fsdecode(exc.filename) if exc.filename else "")
    what = _OS_ERRORS.get(exc.errno, f"{exc.strerror or type(exc).__name__}。请检查这个文件或文件夹后重试")
    return f"{where}：{what}" if where else what
