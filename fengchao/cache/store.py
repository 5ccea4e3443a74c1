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
  every input, so a build with nothing changed does nothing at all, and the
  digests of large inputs (photos) by their stat (fingerprint.py).
- `slugs.pickle`: pinyin slugs made so far (text → slug), so that a build
  with no new tag or district does not import pypinyin (~0.2 s).
- `assembled.pickle`: the station directory's jobs (each with its context's
  digest, for its render key) and files, by a digest of everything it is
  made from (assemble.py), ~0.2 s saved when an edit does
  not touch stations, guides or the site's settings; minified scripts and
  styles by their source bytes; and the templates each template source
  references (parsing them all again was ~30 ms a build).
- `images.pickle`: processed images (every published rendition's bytes) by
  a digest of the source's bytes and the image settings (site/images.py);
  `image-sources.pickle`: each source's bytes digest by its path, size,
  mtime and ctime, so a build reads no photo whose file is untouched.
- `pages/` and `pages.pickle`: every page of the last output by its render
  key (hard links), for a build that has the cache but not the output, such
  as a CI job in a fresh checkout (cache/page_store.py).
- `lint-<hash>.pickle`: the content checker's findings per document and per
  record, by their text and the `check:` settings (check/content.py); links to other
  pages are kept unresolved and checked against the current site each build.
- `links-<hash>.pickle`: each output page's links and ids by the page's
  render key, and its broken links by (render key, digest of every link
  target of the site) (check/output_links.py), so only re-rendered pages are parsed.
  These two are written as soon as their check has run, even when it fails
  the build: every entry is keyed by content, so it stays true.

The cache reaches the stages only as a `Warm` (warm.py) made by `warm()`;
the pipeline asks `unchanged()` first and calls `remember()` last.

Keys include `SALT`: the fengchao version, a hash of its own source code and
the versions of the libraries that shape the output (Jinja, Markdown, PyYAML,
pypinyin, minify-html), so upgrading (or editing) any of them starts cold.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from dataclasses import replace
from pathlib import Path

from fengchao.cache.fingerprint import OutputState, record_output
from fengchao.cache.page_store import PageStore
from fengchao.digests import SALT, Memo
from fengchao.pool import default_jobs
from fengchao.text import SlugBook
from fengchao.warm import Warm


def cache_dir(root: Path) -> Path:
    named = os.environ.get("FENGCHAO_CACHE_DIR")
    return Path(named) if named else root / ".cache" / "fengchao"


class BuildCache:
    def __init__(self, folder: Path, out: Path):
        self.folder = folder
        self.out = out.resolve()
        self._out_str = str(self.out)
        out_hash = hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
        self._out_name = "out-" + out_hash + ".pickle"
        self.previous: OutputState = self._read(self._out_name, OutputState)
        # The input fingerprint's digests of large files by stat (fingerprint.LARGE), kept with the output's state.
        self.large_inputs = Memo(getattr(self.previous, "large", None) or {})
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
    def images(self) -> Memo:
        return Memo(self._read("images.pickle", dict))

    @functools.cached_property
    def image_sources(self) -> Memo:
        return Memo(self._read("image-sources.pickle", dict))

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

    def warm(self, pool) -> Warm:
        """What the stages may reuse from the last build, and `pool` to work in."""
        return Warm(
            pool=pool,
            yaml=self.yaml,
            markdown=Memo(self.markdown),
            stations=self.assembled,
            lint=self.lint,
            slugs=SlugBook(self.slugs),
            images=self.images,
            image_sources=self.image_sources,
        )

    def unchanged(self, fingerprint: str, now: float) -> tuple | None:
        """The last build's (pages, files, warnings) if it was made from exactly
        these inputs, nothing it made has expired and its output is untouched."""
        state = self.previous
        if state.fingerprint != fingerprint or not state.report or now >= state.valid_until or not self.output_intact():
            return None
        if self.large_inputs.used != self.large_inputs.previous:  # a photo touched, not changed: read it once, not every build
            self._write(self._out_name, replace(state, large=self.large_inputs.used))
        return state.report

    def save_checks(self, warm: Warm) -> None:
        """The content checker's findings and the slugs made, as soon as they
        exist, even when the build then fails (every entry is keyed by content,
        so it stays true)."""
        self.save_slugs(warm.slugs.used)
        if warm.lint.used:  # else the checker did not run: keep what is stored
            self._write(self._lint_name, warm.lint.used)
        self.save_images(warm)

    def for_check(self) -> Warm:
        """What `fengchao check` reuses: the photos builds processed (read
        only: a check writes nothing), so none is processed twice."""
        return Warm(pool=default_jobs(), images=self.images, image_sources=self.image_sources)

    def save_images(self, warm: Warm) -> None:
        """Processed photos (the slowest work of a cold build), by source bytes and settings."""
        if warm.images is not None and warm.images.used:
            self._write_changed("images.pickle", warm.images.used, warm.images.previous)
        if warm.image_sources is not None and warm.image_sources.used:
            self._write_changed("image-sources.pickle", warm.image_sources.used, warm.image_sources.previous)

    def remember(self, fingerprint: str, valid_until: float, report: tuple, keys: dict, linked: list, warm: Warm) -> None:
        """After a build: its conversions and memos, and what it wrote.

        `keys`: every output file's key; `linked`: (rel, source) of the files
        linked from the last output or the page store instead of written."""
        # Files linked from the live output keep the entries `reusable` just
        # checked; one linked from the page store is stat-ed anew.
        known = {rel: self.previous.files[rel] for rel, source in linked if source == self.live_file(rel)}
        self._write("markdown.pickle", warm.markdown.used)
        # An article edit keeps every station file and the directory.
        self._write_changed("yaml.pickle", self.yaml.used, self.yaml.previous)
        self._write_changed("assembled.pickle", self.assembled.used, self.assembled.previous)
        files = record_output(self.out, keys, known)
        self._write(self._out_name, OutputState(fingerprint, valid_until, report, files, self.large_inputs.used))

    def save_links(self) -> None:
        """The link check's page scans and findings of this build (check/output_links.py)."""
        self._write(self._links_name, {"scans": self.scans.used, "findings": self.findings.used})

    def live_file(self, rel: str) -> str:
        """Where the live output holds `rel`."""
        return f"{self._out_str}/{rel}"

    def reusable(self, rel: str, key: str) -> str | None:
        """The previous output file for `rel`, if made from `key` and untouched
        since; else a page stored under `key` (cache/page_store.py)."""
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

    def _write_changed(self, name: str, value, previous) -> None:
        """`_write`, unless the file already holds `value` (read from it as
        `previous`; the comparison is mostly identity checks)."""
        if value != previous or not (self.folder / name).is_file():
            self._write(name, value)
