"""The package as pip installs it, not as the repository holds it.

An editable install (the README's) imports fengchao from the working tree,
so a subpackage that setuptools does not ship would go unnoticed until
someone installs the wheel. Here the wheel is built, installed (not
editable) into a fresh virtual environment outside the repository, and the
demo site is built with the `fengchao` command that venv got.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, free_port

PORTS = range(8520, 8540)  # this suite's preview


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


def test_the_wheel_ships_the_theme_and_the_starter(wheel):
    """Templates, assets (the vendored map library too), strings and `init`'s
    starter are data files, which setuptools leaves out unless told."""
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("fengchao/theme", "fengchao/tools/starter"):
        tree = {p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}
        assert tree, folder
        assert tree - shipped == set(), f"files of {folder} missing from the wheel"
    assert "fengchao/theme/templates/base.html" in shipped and "fengchao/theme/assets/vendor/leaflet/leaflet.js" in shipped
    assert "fengchao/theme/assets/vendor/decap-cms/decap-cms.js" in shipped, "the web editor ships with the theme"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A fresh venv outside the repository with the wheel installed: its
    `fengchao` command, and an environment that does not point at the repository."""
    venv = tmp_path_factory.mktemp("venv")
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
    where = subprocess.run([python, "-c", "import fengchao; print(fengchao.__file__)"], cwd=venv, env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(venv)), f"fengchao imported from {where.stdout!r}, not from the installed wheel"
    return venv / "bin" / "fengchao", env


def test_the_installed_wheel_starts_a_new_hub_anywhere(installed, tmp_path):
    """`pip install` of the wheel, `fengchao init`, then build, check and
    serve in the new folder: no repository, no templates/ or assets/ of its own."""
    fengchao, env = installed
    made = subprocess.run([fengchao, "init", "我的资讯站"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stdout + made.stderr
    hub = tmp_path / "我的资讯站"
    built = subprocess.run([fengchao, "build", "--no-search", "--jobs", "1"], cwd=hub, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    home = (hub / "site" / "index.html").read_text(encoding="utf-8")
    assert "新就业群体关爱资讯站" in home and "找附近的暖心驿站" in home
    css = re.findall(r'href="/(assets/site\.[0-9a-f]{8}\.css)"', home)
    assert css and (hub / "site" / css[0]).is_file(), "the theme's stylesheet is published"
    assert (hub / "site" / "assets" / "vendor" / "leaflet" / "leaflet.js").is_file()
    checked = subprocess.run([fengchao, "check", "--strict"], cwd=hub, env=env, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    port = free_port(PORTS)
    server = subprocess.Popen([fengchao, "serve", "--port", str(port)], cwd=hub, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/", server)
        assert "资讯站上线了" in page
    finally:
        server.terminate()
        server.wait(10)


def test_a_new_hub_turns_on_the_web_editor_from_site_yaml_alone(installed, tmp_path):
    """Editors without a terminal: a hub made by `init` that uncomments the
    starter's `cms:` lines gets /admin/ with the editor's script and chunks,
    not a page loading a file nobody published."""
    fengchao, env = installed
    subprocess.run([fengchao, "init", "hub"], cwd=tmp_path, env=env, capture_output=True, check=True)
    hub = tmp_path / "hub"
    settings = hub / "site.yaml"
    text = settings.read_text(encoding="utf-8")
    start = text.index("# cms:")
    block = "\n".join(line.replace("# ", "", 1) for line in text[start:].splitlines())
    settings.write_text(text[:start] + block + "\n", encoding="utf-8")
    built = subprocess.run([fengchao, "build", "--no-search", "--jobs", "1"], cwd=hub, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stdout + built.stderr
    admin = hub / "site" / "admin"
    page = (admin / "index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "decap-cms.js" in scripts and all((admin / name).is_file() for name in scripts)
    assert len(list(admin.glob("*.decap-cms.js"))) > 10, "the bundle's chunks are published beside it"
    assert "repo: 你的机构/你的资讯站" in (admin / "config.yml").read_text(encoding="utf-8")
    assert not (hub / "site" / "assets" / "vendor" / "decap-cms").exists(), "the 6 MB bundle is published only under admin/"


def _wait_for(url: str, server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(server.stdout.read().decode())
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            time.sleep(0.2)
    pytest.fail("the preview did not start")


def test_the_installed_wheel_builds_the_demo(installed, tmp_path):
    fengchao, env = installed
    env = dict(env)
    site = tmp_path / "hub"
    for name in ("content", "assets"):  # no templates/: the theme comes in the wheel
        shutil.copytree(REPO / name, site / name)
    shutil.copyfile(REPO / "site.yaml", site / "site.yaml")
    env["SOURCE_DATE_EPOCH"] = "1767225600"
    built = subprocess.run(
        [fengchao, "--root", str(site), "build", "--no-search", "--jobs", "1"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert "已生成" in built.stdout
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "城市小蜜蜂" in home or "庆小驿" in home
    assert (site / "site" / "stations" / "stations.json").is_file()
