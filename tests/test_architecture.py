"""The code keeps the shape docs/architecture.md describes.

- Imports run one way through the pipeline's folders, only the pipeline and
  the page renderer open the build cache, and there is no import circle: the
  import-linter contracts in pyproject.toml, run here on the real package and
  on a copy with one wrong import added (so a broken contract is seen to fail).
- No module is longer than a reader can hold (400 lines).
- ruff's lint and format check pass (configured in pyproject.toml).
- The cache salt covers every module of every subpackage: an edit in a
  subfolder starts the next build cold, as an edit at the top does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "fengchao"
MAX_LINES = 400


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter over the `fengchao` package found in `root`."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", code, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        capture_output=True,
        text=True,
    )


def test_the_import_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.fixture
def package_copy(tmp_path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "fengchao", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    "module, wrong, contract",
    [
        # A stage reaching up into the pipeline that runs it.
        ("content/records.py", "from fengchao.pipeline import Project  # noqa", "the pipeline's layers"),
        # Two rooms on one level importing each other.
        ("markup/sanitize.py", "from fengchao.output import lock  # noqa", "the pipeline's layers"),
        # A stage opening the disk cache instead of taking a Warm.
        ("site/assemble.py", "from fengchao.cache import store  # noqa", "only the pipeline and the page renderer"),
        # A page family importing the orchestrator that imports it.
        ("site/news.py", "from fengchao.site import assemble  # noqa", "no import circles"),
    ],
)
def test_a_wrong_import_breaks_a_contract(package_copy, module, wrong, contract):
    _append(package_copy / "fengchao" / module, wrong)
    result = lint_imports(package_copy)
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert contract in broken


def test_no_module_is_longer_than_400_lines():
    long = {}
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long[path.relative_to(REPO).as_posix()] = lines
    assert not long, f"split these modules: {long}"


def test_every_folder_is_a_package_with_a_docstring():
    """`python -c 'import fengchao.x'` works from a wheel only for real
    packages, and a folder's docstring is the first thing a newcomer reads."""
    for folder in [p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"]:
        init = folder / "__init__.py"
        assert init.is_file(), f"{folder} has no __init__.py"
        assert init.read_text(encoding="utf-8").startswith('"""'), f"{init} says nothing about its room"


def test_ruff_lint_and_format_are_clean():
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=REPO, capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run([sys.executable, "-m", "ruff", "format", "--check", "."], cwd=REPO, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def _salt(root: Path) -> str:
    code = "from fengchao.digests import SALT; print(SALT)"
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env={"PYTHONPATH": str(root)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["site/news.py", "render/templates.py", "pipeline.py"])
def test_an_edit_in_any_module_changes_the_cache_salt(package_copy, module):
    """Every cache key includes the salt: a module edited without a new salt
    would let a build reuse pages the old code made."""
    before = _salt(package_copy)
    _append(package_copy / "fengchao" / module, "# edited")
    assert _salt(package_copy) != before
