"""The default theme, shipped inside the package: templates, assets, strings.

A project's own `templates/` and `assets/` override it file by file (as
MkDocs' `custom_dir` and Hugo's theme lookup do): the project's folder is
searched first, then this one. The interface wording lives in
`strings/<language>.yaml`, so a program renames its stations or its riders
in `site.yaml` (`strings:`) without touching a template.

Data only: the folders are found here; `content/config.py` reads the strings,
`render/templates.py` the templates, `pipeline.py` the assets.
"""

from __future__ import annotations

from pathlib import Path

THEME = Path(__file__).resolve().parent
TEMPLATES = THEME / "templates"
ASSETS = THEME / "assets"
STRINGS = THEME / "strings"


def template_dirs(root: Path) -> tuple[Path, ...]:
    """Where templates are looked up, first match wins: the project's, then the theme's."""
    return (root / "templates", TEMPLATES)


def asset_dirs(root: Path) -> tuple[Path, ...]:
    """Where assets come from: the theme's, then the project's over them (same path replaces)."""
    return (ASSETS, root / "assets")
