"""`fengchao init 目录`: a new hub that builds and previews at once.

The starter (fengchao/tools/starter/) is a site.yaml commented in Chinese,
one article, one guide, one station and a README for editors; the theme is
not copied (it comes with the package, and a copy would stop the site from
getting the theme's fixes). Only an empty or missing folder is filled:
nobody's files are ever overwritten or mixed with the starter's.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fengchao.problems import UsageError

STARTER = Path(__file__).resolve().parent / "starter"
# Files whose "{today}" becomes the day of `init` (the article's date, the
# guide's review date: a guide reviewed long ago is flagged by `check`).
DATED = ("content/news/welcome.md", "content/guides/station-guide.md")
TIMEZONE = "Asia/Shanghai"  # the starter's site.yaml


def init_project(target: Path) -> list[str]:
    """Write the starter into `target`; the files made, relative to it."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} 已经存在，而且不是文件夹：请换一个名字")
    if target.is_dir() and any(target.iterdir()):
        raise UsageError(f"{target} 不是空文件夹：为了不覆盖里面的文件，请指定一个新的或空的文件夹，例如 fengchao init 我的资讯站")
    try:
        shutil.copytree(STARTER, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        (target / "content" / "images").mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"无法在 {target} 中创建文件（{exc.strerror or exc}）") from exc
    today = datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()
    for rel in DATED:
        path = target / rel
        path.write_text(path.read_text(encoding="utf-8").replace("{today}", today), encoding="utf-8")
    return sorted(p.relative_to(target).as_posix() + ("/" if p.is_dir() else "") for p in target.rglob("*") if p.is_file() or not any(p.iterdir()))
