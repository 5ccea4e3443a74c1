"""Fingerprinted asset names, so hosts can let browsers cache them for a year.

`assets/site.css` is also published as `assets/site.3f2a9c1b.css` (a hash of
its content in the name); pages link the fingerprinted name (assemble maps
names through `SiteView`), so a changed stylesheet gets a new URL and an
unchanged one is never fetched twice. The plain name stays published too, for
links from outside (and a hand-written path in a template still works, just
without the year-long caching).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fengchao.site.jobs import CopyFile

FINGERPRINTED = (".css", ".js", ".svg")
HASH_CHARS = 8
# Decap CMS (the theme's assets/vendor/decap-cms/): published under admin/ by site/admin.py,
# loaded by its own chunk names, so never fingerprinted (nor minified: render/minify.py).
EDITOR_BUNDLE = "assets/vendor/decap-cms/"


def fingerprinted(plain: tuple[CopyFile, ...]) -> tuple[CopyFile, ...]:
    out = []
    for copy in plain:
        if not copy.path.endswith(FINGERPRINTED) or copy.path.endswith("favicon.svg") or copy.path.startswith(EDITOR_BUNDLE):
            continue
        digest = hashlib.sha256(copy.source.read_bytes()).hexdigest()[:HASH_CHARS]
        stem, dot, suffix = copy.path.rpartition(".")
        out.append(CopyFile(f"{stem}.{digest}{dot}{suffix}", copy.source, copy.path.removeprefix("assets/")))
    return tuple(out)


def asset_files(folders: tuple[Path, ...]) -> tuple[CopyFile, ...]:
    """assets/ of the output: every file of each folder, a later folder's
    file replacing an earlier one's of the same path (the project's over the
    packaged theme's, as Hugo's theme lookup does), plain and fingerprinted."""
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            found |= {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}
    plain = tuple(CopyFile("assets/" + rel, found[rel]) for rel in sorted(found))
    return plain + fingerprinted(plain)
