"""The package as pip installs it, not as the repository holds it.

An editable install (the README's) imports fengchao from the working tree,
so a subpackage that setuptools does not ship would go unnoticed until
someone installs the wheel. Here the wheel is built, installed (not
editable) into a fresh virtual environment outside the repository, and the
demo site is built with the `fengchao` command that venv got.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    # A copy: building writes build/ and *.egg-info beside the sources.
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, source / name)
    shutil.copytree(REPO / "fengchao", source / "fengchao", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = out.glob("fengchao-*.whl")
    return found


def test_the_wheel_ships_every_module_of_every_subpackage(wheel):
    shipped = {name for name in zipfile.ZipFile(wheel).namelist() if name.endswith(".py")}
    tree = {p.relative_to(REPO).as_posix() for p in (REPO / "fengchao").rglob("*.py")}
    assert tree - shipped == set(), "modules missing from the wheel"


def test_the_installed_wheel_builds_the_demo(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from this interpreter's site-packages, put on the
    # path by a plain .pth line: unlike --system-site-packages, that does not
    # run the .pth files there, so an editable install of fengchao (the
    # README's) cannot answer for a subpackage the wheel lacks.
    venv_site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True)
    base_site = [p for p in sys.path if p.endswith("site-packages")]
    Path(venv_site.stdout.strip(), "dependencies.pth").write_text("\n".join(base_site) + "\n")
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run([python, "-c", "import fengchao; print(fengchao.__file__)"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(venv)), f"fengchao imported from {where.stdout!r}, not from the installed wheel"

    site = tmp_path / "hub"
    for name in ("content", "assets"):  # no templates/: the theme comes in the wheel
        shutil.copytree(REPO / name, site / name)
    shutil.copyfile(REPO / "site.yaml", site / "site.yaml")
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    built = subprocess.run(
        [venv / "bin" / "fengchao", "--root", str(site), "build", "--no-search", "--jobs", "1"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "已生成" in built.stdout
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "城市小蜜蜂" in home or "庆小驿" in home
    assert (site / "site" / "stations" / "stations.json").is_file()
