"""How problems are printed: for editors (text), for programs (JSON) and for
GitHub Actions (workflow-command annotations that appear on the file and line
of a pull request's diff and in the job summary)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from fengchao.problems import Problem
from fengchao.report import SourceLines, describe

FORMATS = ("text", "json", "github")


def escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are escaped, in that order."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file=…): also ':' and ',', which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem, strict: bool = False) -> str:
    # Under --strict a warning fails the job, so it is shown as the error it is.
    level = "error" if problem.severity == "error" or strict else "warning"
    props = [f"file={escape_property(problem.path)}"]
    if problem.line:
        props.append(f"line={problem.line}")
    if problem.col:
        props.append(f"col={problem.col}")
    props.append(f"title={escape_property(problem.rule or 'fengchao')}")
    return f"::{level} {','.join(props)}::{escape_data(problem.message)}"


def as_json(problems: list[Problem]) -> str:
    items = [
        {"path": p.path, "line": p.line, "col": p.col, "rule": p.rule, "severity": p.severity, "message": p.message}
        for p in _ordered(problems)
    ]
    return json.dumps(items, ensure_ascii=False, indent=2)


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.message))


def print_problems(problems: list[Problem], fmt: str = "text", strict: bool = False, root: Path | None = None) -> None:
    """Text goes to stderr (the editor's console); JSON and annotations to
    stdout, where programs and the Actions runner read them. The runner shows
    an annotation in the log without its file and line, so with `github` the
    text lines are printed as well."""
    if fmt == "json":
        print(as_json(problems))
        return
    if fmt == "github":
        for problem in _ordered(problems):
            print(github_annotation(problem, strict))
    # Each problem with its line quoted (report.py), so the fix needs no other window.
    sources = SourceLines(root.resolve()) if root else None
    for problem in _ordered(problems):
        print(describe(problem, sources), file=sys.stderr)
