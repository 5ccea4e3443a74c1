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

Keys include `SALT`: the fengchao version, a hash of its own source code and
the versions of the libraries that shape the output (Jinja, Markdown, PyYAML,
pypinyin, minify-html), so upgrading (or editing) any of them starts cold.
"""
from __future__ import annotations

import hashlib
import os
import stat
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

FORMAT = 1


# Libraries whose upgrade can change the output (slugs, parsing, minifying).
_LIBRARIES = ("jinja2", "markdown", "pyyaml", "pypinyin", "minify-html", "markupsafe")


def _code_salt() -> str:
    from importlib import metadata

    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{'|'.join(versions)}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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


class BuildCache:
    def __init__(self, folder: Path, out: Path):
        self.folder = folder
        self.out = out.resolve()
        self._out_name = "out-" + hashlib.sha256(str(self.out).encode()).hexdigest()[:16] + ".pickle"
        self.markdown: dict = self._read("markdown.pickle", dict)
        self.yaml = Memo(self._read("yaml.pickle", dict))
        self.previous: OutputState = self._read(self._out_name, OutputState)

    def _read(self, name: str, kind):
        try:
            with open(self.folder / name, "rb") as f:
                value = pickle.load(f)
        except Exception:  # noqa: BLE001 - missing, truncated or from another version: start empty
            return kind()
        return value if isinstance(value, kind) else kind()

    def _write(self, name: str, value) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{name}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.folder / name)

    def reusable(self, rel: str, key: str) -> Path | None:
        """The previous output file for `rel`, if made from `key` and untouched since."""
        entry = self.previous.files.get(rel)
        if not entry or entry[0] != key:
            return None
        path = self.out.joinpath(*rel.split("/"))
        try:
            st = path.stat()
        except OSError:
            return None
        return path if (st.st_size, st.st_mtime_ns, st.st_ino) == entry[1:] else None

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

    def save(self, markdown: dict, state: OutputState) -> None:
        self._write("markdown.pickle", markdown)
        self._write("yaml.pickle", self.yaml.used)
        self._write(self._out_name, state)


def record_output(out: Path, keys: dict[str, str]) -> dict:
    """rel → (key, size, mtime_ns, inode) of each file as now on disk."""
    files = {}
    for rel, key in keys.items():
        st = out.joinpath(*rel.split("/")).stat()
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
