"""Content digests and the memo: how anything fast in fengchao names what it keeps.

Every key a cache or a memo uses is `digest(...)` of what the value was made
from, salted with `SALT`: the fengchao version, a hash of its own source code
(every module of every subpackage) and the versions of the libraries that
shape the output (Jinja, Markdown, PyYAML, pypinyin, minify-html), so
upgrading or editing any of them makes every key new. A stage that can reuse
earlier work takes a `Memo` (filled by its caller from the disk cache or from
memory) and never knows where it came from.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from fengchao import __version__

FORMAT = 1


# Libraries whose upgrade can change the output (slugs, parsing, minifying).
_LIBRARIES = ("jinja2", "markdown", "pyyaml", "pypinyin", "minify-html", "markupsafe")


def _normal(project: str) -> str:
    return re.sub(r"[-_.]+", "-", project).lower()


def _library_versions() -> list[str]:
    """`name=version` of each of _LIBRARIES, as importlib.metadata.version
    says, but read from the `<name>-<version>.dist-info` folder names on
    sys.path first: importing importlib.metadata and asking it six times
    cost ~25 ms of every build, a sixth of a no-change build."""
    wanted = {_normal(name) for name in _LIBRARIES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info"):
                project, _, version = name[: -len(".dist-info")].partition("-")
                if _normal(project) in wanted and version:
                    found.setdefault(_normal(project), version)
    versions = []
    for name in _LIBRARIES:
        version = found.get(_normal(name))
        if version is None:  # an egg-info or other layout: ask the slow way
            from importlib import metadata

            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "?"
        versions.append(f"{name}={version}")
    return versions


def _code_salt() -> str:
    versions = _library_versions()
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{'|'.join(versions)}".encode())
    # Every module of every subpackage: an edit anywhere in fengchao must
    # make every key new (a subfolder's module changes output as much as a
    # top-level one; tests/test_build_cache.py holds this).
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


SALT = _code_salt()


# A file is known by its stat (size, mtime, ctime: the photos' digests) only
# once its status is this much older than the read: file times tick coarsely
# (a few ms), so a second write of the same size could carry the same stat
# as the version just read (git's "racy clean"). Such a file is read again
# next time, until it has settled.
RACY_NS = 1_000_000_000


def settled(st: os.stat_result) -> bool:
    """May a digest of this file be kept by `st`? (ctime: any write or
    change of times moves it, and no program sets it back.)"""
    return st.st_ctime_ns < time.time_ns() - RACY_NS


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(SALT.encode(), digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def context_digest(context: dict, pickled: bytes | None = None) -> str:
    """The identity of a page context's content, part of the page's render
    key (render/pages.py). `pickled`: the context pickled with protocol 5,
    when the caller has it already."""
    if pickled is None:
        pickled = pickle.dumps(context, protocol=5)
    return hashlib.blake2b(pickled, digest_size=20).hexdigest()


@dataclass
class Memo:
    """Results by key from the last build; `used` collects this build's, to be saved."""

    previous: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)

    def reuse(self, key: str, make):
        """The last build's value under `key`, else make(); kept for the next build."""
        value = self.previous.get(key)
        if value is None:
            value = make()
        self.used[key] = value
        return value

    def by_stat(self, path: str, st: os.stat_result, make):
        """A file's value (its digest) from the last build while its stat is
        the same, else make(); kept for the next build once the file has
        settled. The ctime is in the key because no program sets it back: a
        file rewritten with its old size and mtime (`cp -p`) is made again."""
        key = (path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
        value = self.previous.get(key)
        if value is None:
            value = make()
        if settled(st):
            self.used[key] = value
        return value
