"""The repository stands alone: every relative link in README, docs/*.md and
site.yaml's comments leads to a file inside the repository.

A clone has nothing beside it, so `../shared/CONTENT-FORMAT.md` (once in the
README) or a `docs/map-tiles.md` that was never written (once in site.yaml)
send a reader nowhere. Checked: Markdown links and images (relative to the
file), and every path to a Markdown document named in the text or in code
(`docs/cms.md`, `../x.md`: relative to the file, or as written from the
repository's root, the way README and site.yaml name them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# A document named by its path from the repository's root (docs/cms.md), or
# from a file at the root upwards (../shared/CONTENT-FORMAT.md).
_DOC_PATH = re.compile(r"(?<![\w./-])((?:docs|tests|templates|bench|\.\.)/(?:[\w.-]+/)*[\w.-]+\.md)\b")
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|#|/)", re.I)  # another site, an anchor, a URL on this site
_CODE = re.compile(r"`[^`]*`")


def _inside(path: Path) -> bool:
    try:
        path.resolve().relative_to(REPO)
        return True
    except ValueError:
        return False


def _resolves(target: str, base: Path) -> bool:
    target = target.split("#", 1)[0].split("?", 1)[0]
    if not target:
        return True
    for folder in {base, REPO} if not target.startswith("../") else {base}:
        candidate = folder / target
        if _inside(candidate) and candidate.exists():
            return True
    return False


def links(path: Path) -> list[tuple[int, str]]:
    return links_in(path.read_text(encoding="utf-8"), path.suffix, at_root=path.parent == REPO)


def links_in(text: str, suffix: str, at_root: bool) -> list[tuple[int, str]]:
    """(line, target) of every relative link and document path in `text`."""
    found, fenced = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if suffix in (".yaml", ".yml"):
            if "#" not in line:
                continue
            line = line[line.index("#") :]  # comments only
        elif line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            # Links in code are examples of Markdown (written from a content file), not links.
            prose = _CODE.sub("", line)
            found += [(number, m.group(1)) for m in _LINK.finditer(prose) if not _EXTERNAL.match(m.group(1))]
        for m in _DOC_PATH.finditer(line):
            if m.group(1).startswith("../") and not at_root:
                continue  # in docs/, ../x.md is an editor's example from a content file
            if "://" not in line[max(0, m.start() - 60) : m.start()]:
                found.append((number, m.group(1)))
    return found


@pytest.mark.parametrize("path", [*DOCS, REPO / "site.yaml"], ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_relative_link_resolves_inside_the_repository(path):
    broken = [f"{path.relative_to(REPO)}:{number}: {target}" for number, target in links(path) if not _resolves(target, path.parent)]
    assert not broken, "links that lead nowhere in a clone:\n" + "\n".join(broken)


def test_the_checker_finds_what_it_must():
    """The two links the issue found, and a Markdown link, are seen (and fail)."""
    readme = "契约见 `../shared/CONTENT-FORMAT.md`。\n[图](img/none.png) 与 [好](docs/cms.md)、[外](https://example.org/a.md)\n```\n[例](x.md)\n```\n"
    found = links_in(readme, ".md", at_root=True)
    assert found == [(1, "../shared/CONTENT-FORMAT.md"), (2, "img/none.png"), (2, "docs/cms.md"), (2, "docs/cms.md")]
    assert not _resolves("../shared/CONTENT-FORMAT.md", REPO) and not _resolves("img/none.png", REPO)
    assert _resolves("docs/cms.md", REPO)
    comments = "# 见 docs/map-tiles.md\ntitle: docs/not-a-comment.md\n"
    assert links_in(comments, ".yaml", at_root=True) == [(1, "docs/map-tiles.md")]
    assert not _resolves("docs/map-tiles.md", REPO)
    yaml_found = [t for _, t in links(REPO / "site.yaml")]
    assert "docs/content-format.md" in yaml_found and "docs/cms.md" in yaml_found
