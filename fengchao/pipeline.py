"""The build, as one visible sequence: load → validate → assemble → render → write.

Each stage returns data plus problems; the build stops before writing
anything if any stage reported an error, so the old output stays untouched.
"""
from __future__ import annotations

import functools
import gc
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING

from fengchao.cache.store import BuildCache, CacheMemory, Memo, OutputState, cache_dir, digest, input_fingerprint, record_output
from fengchao.problems import BuildFailed, Problem, display_path
from fengchao.output.lock import build_lock
from fengchao.pool import Pool, default_jobs
from fengchao.output.write import check_output_dir, write_site

# The stages are imported in the functions that run them, not here: a build
# that finds nothing changed takes ~0.3 s, and importing them (Jinja,
# Python-Markdown, PyYAML and fengchao's own modules) was ~0.1 s of it.
if TYPE_CHECKING:
    from fengchao.site.assemble import CopyFile, SiteModel
    from fengchao.content.config import SiteConfig
    from fengchao.content.records import Records
    from fengchao.markup.batch import MarkdownCache
    from fengchao.text import SlugBook


@dataclass(frozen=True)
class Project:
    root: Path
    content: Path
    out: Path

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def assets(self) -> Path:
        return self.root / "assets"


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    bytes: int = 0
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    reused: int = 0  # files linked unchanged from the previous output (build cache)


def build_time(tz) -> datetime:
    """'Now' for publishing decisions; SOURCE_DATE_EPOCH pins it (CI, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.astimezone(tz)


def asset_files(assets: Path) -> tuple[CopyFile, ...]:
    from fengchao.site.assemble import CopyFile
    from fengchao.site.assets import fingerprinted

    if not assets.is_dir():
        return ()
    files = sorted(p for p in assets.rglob("*") if p.is_file() and not p.name.startswith("."))
    plain = tuple(CopyFile("assets/" + p.relative_to(assets).as_posix(), p) for p in files)
    return plain + fingerprinted(plain)


def _fail_on_errors(problems: list[Problem], strict: bool) -> list[Problem]:
    errors = [p for p in problems if p.severity == "error" or strict]
    if errors:
        raise BuildFailed(problems)
    return problems


@dataclass(frozen=True)
class Prepared:
    """Stages 1–3 done: what `check` reports on and `build` renders."""

    config: SiteConfig
    records: Records
    model: SiteModel
    warnings: list[Problem]
    timings: dict[str, float]


def prepare(
    project: Project, *, base_url: str | None = None, drafts: bool = False, strict: bool = False,
    jobs: int | Pool = 1, markdown_cache: MarkdownCache | None = None, yaml_cache=None, cache: BuildCache | None = None,
    load_files: dict | None = None, memo: dict | None = None, lint_cache: Memo | None = None,
    slugs: SlugBook | None = None,
) -> Prepared:
    """Load, validate and assemble; raise BuildFailed with every problem found.

    `load_files`, `memo` and `lint_cache` are a long-running process's
    memory of the last build (live.py); the command line build passes
    `cache` instead."""
    from fengchao.site.assemble import BuildOptions, assemble
    from fengchao.content.config import load_config
    from fengchao.check.content import lint_site
    from fengchao.content.load import load_content
    from fengchao.content.validate import validate

    timings: dict[str, float] = {}
    start = time.perf_counter()
    config, problems = load_config(project.root / "site.yaml", project.root)
    if config is None:
        raise BuildFailed(problems)
    if base_url:
        config = config.with_base_url(base_url)
    if not project.content.is_dir():
        raise BuildFailed([Problem(str(project.content), 0, "找不到内容文件夹")])
    content, load_problems = load_content(project.content, project.root, yaml_cache, load_files)
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    records, validate_problems = validate(content, config, None if memo is None else memo.setdefault("validate", {}))
    timings["validate"] = time.perf_counter() - start
    # Assembling records that failed validation would add misleading
    # follow-on errors (links to the broken file), so stop here first.
    warnings = _fail_on_errors(problems + load_problems + validate_problems, strict)

    start = time.perf_counter()
    options = BuildOptions(now=build_time(config.tz), include_drafts=drafts)
    model, problems = assemble(records, config, options, asset_files(project.assets), jobs=jobs, markdown_cache=markdown_cache,
        memo=None if memo is None else memo.setdefault("assemble", {}),
        slugs=slugs, stored=cache.assembled if cache else None,
    )
    timings["assemble"] = time.perf_counter() - start
    start = time.perf_counter()
    # The content checker (lint.py) runs on the assembled site: its link
    # rules need every published URL. Reported with all earlier warnings.
    problems += lint_site(project.root, config, records, model, options.now, cache.lint if cache else lint_cache, jobs)
    if cache:
        cache.save_lint()  # before failing: an editor's next save rechecks only what changed
    warnings = _fail_on_errors(warnings + problems, strict)
    timings["lint"] = time.perf_counter() - start
    return Prepared(config, records, model, warnings, timings)


def _without_collections(function):
    """Run `function` with the cyclic garbage collector off in this process.

    A build allocates hundreds of thousands of objects that live until it
    ends (records, views, the cache's stores), and the collector walked them
    again and again while finding almost nothing: at the default thresholds
    ~0.1 s of a one-article edit and ~0.5 s of a cold build of 2,000
    articles; at 20× the young generation's threshold still ~0.08 s of an
    edit (20 young and 2 middle collections) and ~0.17 s of a cold build.
    The cycles a build makes come mostly from Python-Markdown (a recursive
    closure per conversion) and Jinja, which run in the pool's workers: the
    workers collect (parallel.py, with the 20× threshold). Here, with one
    job, a build's cycles wait until it ends (~3 MB for 2,000 articles)."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        previous, enabled = gc.get_threshold(), gc.isenabled()
        gc.set_threshold(previous[0] * 20, *previous[1:])  # what forked workers start with
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.set_threshold(*previous)
            if enabled:
                gc.enable()

    return run


@_without_collections
def build(
    project: Project, *, base_url: str | None = None, drafts: bool = False, strict: bool = False,
    jobs: int | None = None, use_cache: bool = True, search: bool = True, memory: CacheMemory | None = None,
) -> BuildReport:
    """`memory`: kept by a long-running caller (the preview server) across
    builds, so cache stores it wrote are not read back from disk."""
    check_output_dir(project.out, project.root, project.content)
    workers = jobs or default_jobs()
    start = time.perf_counter()
    cache = BuildCache(cache_dir(project.root), project.out, memory) if use_cache else None
    if cache:
        fingerprint = _fingerprint(project, base_url, drafts, strict, search)
        with build_lock(project.out):  # another build may be swapping the output in
            unchanged = _unchanged(cache, fingerprint)
        if unchanged:
            unchanged.timings["cache"] = time.perf_counter() - start
            return unchanged
    from fengchao.markup.batch import MarkdownCache
    from fengchao.text import SlugBook

    markdown_cache = MarkdownCache(cache.markdown) if cache else None
    slugs = SlugBook(cache.slugs) if cache else None
    # One pool for the Markdown and the pages, forked now, before the site is
    # loaded: workers that start small stay small (parallel.py).
    with Pool(workers) as pool:
        pool.start()
        prepared = prepare(
            project, base_url=base_url, drafts=drafts, strict=strict, jobs=pool, markdown_cache=markdown_cache,
            yaml_cache=cache.yaml if cache else None, cache=cache, slugs=slugs,
        )
        if cache:
            cache.save_slugs(slugs.used)
        timings = dict(prepared.timings)
        timings["cache"] = time.perf_counter() - start - sum(timings.values())

        spool = spool_dir(project.out)
        try:
            return _render_and_write(project, prepared, cache, markdown_cache, fingerprint if cache else "",
                                     timings, pool, drafts, strict, search, spool)
        finally:
            shutil.rmtree(spool, ignore_errors=True)


def spool_dir(out: Path) -> Path:
    """Where render workers put pages: beside the output (the same file
    system, so the write stage renames or hard-links them), named for this
    process."""
    out = out.resolve()
    spool = out.parent / f".{out.name}.spool-{os.getpid()}"
    try:
        spool.mkdir(parents=True)
    except FileExistsError:  # an earlier build of this process, or of a dead one with our pid
        shutil.rmtree(spool)
        spool.mkdir()
    return spool


def _render_and_write(project: Project, prepared: Prepared, cache, markdown_cache, fingerprint: str, timings: dict,
                      pool: Pool, drafts: bool, strict: bool, search: bool, spool: Path) -> BuildReport:
    from fengchao.site.assets import MINIFIED
    from fengchao.render.pages import render_pages, reuse_copies, reuse_raw
    from fengchao.check.output_links import check_scanned, scan_output

    model = prepared.model
    start = time.perf_counter()
    minify = not drafts  # production builds; the preview (drafts) stays readable
    pages = render_pages(model.jobs, project.templates, project.root, pool, cache, minify, spool)
    pool.close()  # the rest of the build runs here; idle workers would only hold memory
    _fail_on_errors(pages.problems, strict)
    timings["render"] = time.perf_counter() - start

    # The output's own links and anchors, before anything is written: a
    # broken one fails the build (and the deploy) with its source line.
    start = time.perf_counter()
    # Pages reused from the last output are checked too: a link in them may
    # point at a page this build removed. Their scans (and, while no target
    # changed, their findings) come from the cache by render key.
    scans = scan_output(pages.files, pages.reused, pages.keys, cache.scans if cache else None, pages.scans)
    paths = {rel for rel, _ in pages.files} | {rel for rel, _ in pages.reused}
    link_problems = check_scanned(scans, paths, model, prepared.records, prepared.config, display_path(project.out, project.root),
                                  project.root, pages.keys, cache.findings if cache else None)
    if cache:
        cache.save_links()
    _fail_on_errors(prepared.warnings + link_problems, strict)
    timings["links"] = time.perf_counter() - start

    start = time.perf_counter()
    keys = dict(pages.keys)
    minified = _minified_assets(model.copies, minify, cache.assembled if cache else None)
    raw, raw_links = reuse_raw([(r.path, r.data) for r in model.raw] + minified, cache, keys)
    copies, copy_links = reuse_copies([(c.path, c.source) for c in model.copies if not (minify and c.path.endswith(MINIFIED))], cache, keys)
    in_memory = [(rel, data) for rel, data in pages.files if isinstance(data, bytes)]
    spooled = [(rel, data) for rel, data in pages.files if not isinstance(data, bytes)]
    spooled_bytes = sum(pages.stored[rel][0] for rel, _ in spooled)  # sizes the workers measured: no stat per page
    written = write_site(project.out, in_memory + raw, copies, pages.reused + raw_links + copy_links, _indexer(prepared.config) if search else None,
                         (spool, [rel for rel, _ in spooled]))
    written += spooled_bytes
    timings["write"] = time.perf_counter() - start
    reused = len(pages.reused) + len(raw_links) + len(copy_links)
    report = BuildReport(len(model.jobs), len(keys), written, prepared.warnings + link_problems, timings, reused)
    if cache:
        until = _valid_until(prepared.records, build_time(prepared.config.tz))
        # Files linked from the live output keep the entries `reusable` just
        # checked; one linked from the page store is stat-ed anew.
        linked = [rel for rel, source in pages.reused + raw_links + copy_links if source == cache.live_file(rel)]
        known = {rel: cache.previous.files[rel] for rel in linked}
        # The search index (written by the finish step) is part of the output
        # too: listed, so that an untouched output still counts as intact.
        index_files = {p.relative_to(project.out).as_posix(): "search-index" for p in (project.out / "pagefind").rglob("*") if p.is_file()}
        state = OutputState(fingerprint, until, (report.pages, report.files, report.warnings), record_output(project.out, {**keys, **index_files}, known))
        cache.save(markdown_cache.used, state)
        cache.save_pages(pages.keys, pages.stored)
    return report


def _minified_assets(copies, minify: bool, store: Memo | None) -> list[tuple[str, bytes]]:
    """`store`: minified bytes by the source's, from the last build (the
    site's scripts and styles, Leaflet included: ~60 ms every build)."""
    if not minify:
        return []
    from fengchao.render import minify as minifier
    from fengchao.site.assets import MINIFIED

    out = []
    for copy in copies:
        if copy.path.endswith(MINIFIED):
            data = copy.source.read_bytes()
            make = functools.partial(minifier.asset, copy.path, data)
            out.append((copy.path, store.reuse(digest(b"minified", copy.path, data), make) if store else make()))
    return out


def _fingerprint(project: Project, base_url: str | None, drafts: bool, strict: bool, search: bool) -> str:
    # The day is in it too: anything that depends on "now" is redone at least daily.
    options = repr((base_url, drafts, strict, search, str(project.content), build_time(timezone.utc).date().isoformat()))
    inputs = [project.root / "site.yaml", project.content, project.templates, project.assets]
    return input_fingerprint(project.root, inputs, options)


def _unchanged(cache: BuildCache, fingerprint: str) -> BuildReport | None:
    """The last build's report if it was made from exactly these inputs and its output is untouched."""
    state = cache.previous
    if state.fingerprint != fingerprint or not state.report:
        return None
    if build_time(timezone.utc).timestamp() >= state.valid_until or not cache.output_intact():
        return None
    pages, files, warnings = state.report
    return BuildReport(pages, files, 0, list(warnings), {}, files)


def _valid_until(records: Records, now: datetime) -> float:
    """When a scheduled article appears or an article expires: the output changes then."""
    moments = [a.date for a in records.articles if a.date and a.date > now]
    moments += [a.expires for a in records.articles if a.expires and a.expires > now]
    return min(moments).timestamp() if moments else float("inf")


def _indexer(config: SiteConfig):
    """write_site's finish step: the search index, made in the temp folder
    before the swap (so the "write" timing includes it)."""

    def index(folder: Path) -> int:
        from fengchao.output.search_index import index_site

        return index_site(folder, config.language).bytes

    return index
