"""Errors as data: every stage returns problems instead of raising them.

A build collects every `Problem` of every stage and shows them together, each
as `path:line: message`, so an editor fixes a whole batch in one go.
"""

from __future__ import annotations

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
