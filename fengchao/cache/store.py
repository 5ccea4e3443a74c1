"""The persistent build cache: what the last build made, and from what.

Lives in `.cache/fengchao/` under the project (or `$FENGCHAO_CACHE_DIR`).
Safe to delete at any time: every entry is keyed by the content of what it was
made from, so a missing or unreadable cache only means a slower build, and a
stale entry can never match. `--no-cache` neither reads nor writes it.

The stores, each one pickle file written whole (temp file + rename):

- `yaml.pickle`: parsed front matter and station files, by text and file.
- `markdown.pickle`: rendered Markdown by (body, file, line), with every link
  target the conversion resolved, re-checked against the current site before
  reuse (a renamed article changes what a link in another one means).
- `out-<hash of the output path>.pickle`: for every file of the last output,
  the key it was made from and its size/mtime/inode when written; a page whose
  key is unchanged and whose file is untouched is hard-linked into the new
  output instead of being rendered and written again. Also the fingerprint of
  every input, so a build with nothing changed does nothing at all.
- `slugs.pickle`: pinyin slugs made so far (text → slug), so that a build
  with no new tag or district does not import pypinyin (~0.2 s).
- `assembled.pickle`: the station directory's jobs (each with its context's
  digest, for its render key) and files, by a digest of everything it is
  made from (assemble.py), ~0.2 s saved when an edit does
  not touch stations, guides or the site's settings; minified scripts and
  styles by their source bytes; and the templates each template source
  references (parsing them all again was ~30 ms a build).
- `pages/` and `pages.pickle`: every page of the last output by its render
  key (hard links), for a build that has the cache but not the output, such
  as a CI job in a fresh checkout (pagestore.py).
- `lint-<hash>.pickle`: the content checker's findings per document and per
  record, by their text and the `check:` settings (lint.py); links to other
  pages are kept unresolved and checked against the current site each build.
- `links-<hash>.pickle`: each output page's links and ids by the page's
  render key, and its broken links by (render key, digest of every link
  target of the site) (linkcheck.py), so only re-rendered pages are parsed.
  These two are written as soon as their check has run, even when it fails
  the build: every entry is keyed by content, so it stays true.

A long-running process (the preview server) passes one `CacheMemory` to every
build: a store it last read or wrote, whose file is unchanged since, is taken
from memory instead of being unpickled again.

Keys include `SALT`: the fengchao version, a hash of its own source code and
the versions of the libraries that shape the output (Jinja, Markdown, PyYAML,
pypinyin, minify-html), so upgrading (or editing) any of them starts cold.
"""
from __future__ import annotations

import functools
import hashlib
import os
import stat
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fengchao import __version__
from fengchao.cache.page_store import PageStore

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
    # Every module of every subpackage (and the package's own files such as
    # templates, once shipped): an edit anywhere in fengchao must make a new salt.
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


SALT = _code_salt()


def cache_dir(root: Path) -> Path:
    named = os.environ.get("FENGCHAO_CACHE_DIR")
    return Path(named) if named else root / ".cache" / "fengchao"


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(SALT.encode(), digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def context_digest(context: dict, pickled: bytes | None = None) -> str:
    """The identity of a page context's content, part of the page's render
    key (incremental.py). `pickled`: the context pickled with protocol 5,
    when the caller has it already."""
    if pickled is None:
        pickled = pickle.dumps(context, protocol=5)
    return hashlib.blake2b(pickled, digest_size=20).hexdigest()


@dataclass
class OutputState:
    """What the previous build wrote into one output folder."""

    fingerprint: str = ""  # of every input; "" = unknown
    valid_until: str = ""  # ISO time when a scheduled article appears or expires
    report: tuple = ()  # (pages, files, bytes, warnings) to repeat on a no-op build
    files: dict = field(default_factory=dict)  # rel path → (key, size, mtime_ns, inode)


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


class CacheMemory:
    """Stores as this process last read or wrote them, by file identity.

    Kept by the caller (the preview server) across builds; a file replaced,
    touched or deleted since no longer matches, so the disk stays the truth."""

    def __init__(self) -> None:
        self._files: dict[Path, tuple[tuple, object]] = {}

    def get(self, path: Path):
        entry = self._files.get(path)
        if entry is None:
            return None
        try:
            current = _identity(os.stat(path))
        except OSError:
            return None
        return entry[1] if entry[0] == current else None

    def put(self, path: Path, identity: tuple, value) -> None:
        """`identity`: of the file `value` was read from or written to (fstat
        of that very file, so a concurrent replace cannot pair them wrongly)."""
        self._files[path] = (identity, value)


def _identity(st: os.stat_result) -> tuple:
    return st.st_size, st.st_mtime_ns, st.st_ino


class BuildCache:
    def __init__(self, folder: Path, out: Path, memory: CacheMemory | None = None):
        self.folder = folder
        self.out = out.resolve()
        self._out_str = str(self.out)
        self.memory = memory
        out_hash = hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
        self._out_name = "out-" + out_hash + ".pickle"
        self.previous: OutputState = self._read(self._out_name, OutputState)
        self._lint_name, self._links_name = f"lint-{out_hash}.pickle", f"links-{out_hash}.pickle"

    # The other stores are read when first asked for: a build that finds
    # nothing changed needs only `previous` (~55 ms of unpickling saved on
    # the 2,000-article corpus).

    @functools.cached_property
    def markdown(self) -> dict:
        return self._read("markdown.pickle", dict)

    @functools.cached_property
    def yaml(self) -> Memo:
        return Memo(self._read("yaml.pickle", dict))

    @functools.cached_property
    def lint(self) -> Memo:
        return Memo(self._read(self._lint_name, dict))

    @functools.cached_property
    def slugs(self) -> dict:
        return self._read("slugs.pickle", dict).get(SALT, {})

    @functools.cached_property
    def assembled(self) -> Memo:
        return Memo(self._read("assembled.pickle", dict))

    @functools.cached_property
    def pages(self) -> PageStore:
        return PageStore(self.folder / "pages", self._read("pages.pickle", dict))

    @functools.cached_property
    def _links(self) -> tuple[Memo, Memo]:
        links = self._read(self._links_name, dict)
        return tuple(Memo(links[k] if isinstance(links.get(k), dict) else {}) for k in ("scans", "findings"))

    @property
    def scans(self) -> Memo:
        return self._links[0]

    @property
    def findings(self) -> Memo:
        return self._links[1]

    def _read(self, name: str, kind):
        remembered = self.memory.get(self.folder / name) if self.memory else None
        if isinstance(remembered, kind):
            return remembered
        try:
            with open(self.folder / name, "rb") as f:
                identity = _identity(os.fstat(f.fileno()))
                value = pickle.load(f)
        except Exception:  # noqa: BLE001 - missing, truncated or from another version: start empty
            return kind()
        if not isinstance(value, kind):
            return kind()
        if self.memory:
            self.memory.put(self.folder / name, identity, value)
        return value

    def _write(self, name: str, value) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            f.flush()
            identity = _identity(os.fstat(f.fileno()))
        os.replace(tmp, self.folder / name)  # keeps the inode and times
        if self.memory:
            self.memory.put(self.folder / name, identity, value)

    def save_lint(self) -> None:
        """The content checker's findings of this build (lint.py)."""
        self._write(self._lint_name, self.lint.used)

    def save_links(self) -> None:
        """The link check's page scans and findings of this build (linkcheck.py)."""
        self._write(self._links_name, {"scans": self.scans.used, "findings": self.findings.used})

    def live_file(self, rel: str) -> str:
        """Where the live output holds `rel`."""
        return f"{self._out_str}/{rel}"

    def reusable(self, rel: str, key: str) -> str | None:
        """The previous output file for `rel`, if made from `key` and untouched
        since; else a page stored under `key` (pagestore.py)."""
        entry = self.previous.files.get(rel)
        if entry and entry[0] == key:
            # A string path and os.stat: this runs for every page of every
            # build, and pathlib's joinpath and stat cost 3× as much.
            path = self.live_file(rel)
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and (st.st_size, st.st_mtime_ns, st.st_ino) == entry[1:]:
                return path
        return self.pages.get(key)

    def save_pages(self, pages: dict[str, str], made: dict | None = None) -> None:
        """Keep the new output's pages (rel → render key) in the store;
        `made`: the store's entries of the pages this build rendered."""
        self.pages.keep(self.out, pages, made)
        self._write_changed("pages.pickle", self.pages.kept, self.pages.index)

    def output_intact(self) -> bool:
        """Does the output folder hold exactly the files the last build wrote, untouched?"""
        files = self.previous.files
        seen = 0
        stack = [(str(self.out), "")]
        while stack:
            folder, prefix = stack.pop()
            try:
                entries = list(os.scandir(folder))
            except OSError:
                return False
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + "/"))
                    continue
                found = files.get(rel)
                if found is None:
                    if not prefix and entry.name.startswith("."):
                        continue  # the output marker, a lock file
                    return False
                st = entry.stat(follow_symlinks=False)
                if (st.st_size, st.st_mtime_ns, st.st_ino) != found[1:]:
                    return False
                seen += 1
        return seen == len(files) and seen > 0

    def save_slugs(self, slugs: dict) -> None:
        """Only when a new one was made; kept whatever else the build does
        (a slug is a pure function of its text)."""
        if slugs.keys() - self.slugs.keys():
            self.slugs = {**self.slugs, **slugs}
            self._write("slugs.pickle", {SALT: self.slugs})

    def save(self, markdown: dict, state: OutputState) -> None:
        self._write("markdown.pickle", markdown)
        # An article edit keeps every station file and the directory.
        self._write_changed("yaml.pickle", self.yaml.used, self.yaml.previous)
        self._write_changed("assembled.pickle", self.assembled.used, self.assembled.previous)
        self._write(self._out_name, state)

    def _write_changed(self, name: str, value, previous) -> None:
        """`_write`, unless the file already holds `value` (read from it as
        `previous`; the comparison is mostly identity checks)."""
        if value != previous or not (self.folder / name).is_file():
            self._write(name, value)


def record_output(out: Path, keys: dict[str, str], known: dict | None = None) -> dict:
    """rel → (key, size, mtime_ns, inode) of each file as now on disk.

    `known`: entries of files linked unchanged from the last output, which
    `reusable` has just checked against the disk (~40 ms of stat calls for
    3,500 files saved). Were one wrong, the next build would only fail to
    reuse that file."""
    files = {}
    known = known or {}
    for rel, key in keys.items():
        entry = known.get(rel)
        if entry is not None and entry[0] == key:
            files[rel] = entry
            continue
        st = os.stat(f"{out}/{rel}")  # a string path, as in `live_file`: every new file of a build
        files[rel] = (key, st.st_size, st.st_mtime_ns, st.st_ino)
    return files


def input_fingerprint(root: Path, paths: list[Path], extra: str) -> str:
    """Hash of the content of every file under `paths` (files or folders), with names."""
    h = hashlib.blake2b(SALT.encode() + extra.encode(), digest_size=20)
    for base in paths:
        if base.is_file():
            files = [str(base)]
        elif base.is_dir():
            files = _walk(str(base))
        else:
            h.update(b"missing:" + str(base).encode())
            continue
        for path in files:
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    # A named pipe would block the read forever; load reports it.
                    data = b"not a regular file"
                else:
                    with open(path, "rb") as f:
                        data = f.read()
            except OSError as exc:  # load reports it; the fingerprint only has to differ
                data = f"unreadable: {exc}".encode()
            name = path.encode("utf-8", "surrogateescape")
            h.update(len(name).to_bytes(8, "little") + name + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def _walk(base: str) -> list[str]:
    """Every file under `base`, sorted, following symlinks as `load` does (once each)."""
    found, seen = [], set()
    for dirpath, dirnames, filenames in os.walk(base, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames.sort()
        found += [os.path.join(dirpath, name) for name in sorted(filenames)]
    return found
