"""The build, as one visible sequence: load → validate → assemble → render → write.

    site.yaml, content/ ──load──► files ──validate──► records ──assemble──► jobs
        ──lint──► problems   (the content checker needs every published URL)
        ──render──► pages ──links──► problems ──write──► site/ (swapped in whole)

Each stage returns data plus problems, and every problem is collected before
the build decides: it stops before writing anything if any stage reported an
error, so the old output stays untouched. All data is loaded before anything
is rendered (as MkDocs' and Zola's builds do): lists, tags, cross-links and
"nearest stations" are global.

Speed stays apart from the stages. What can make a build faster — the worker
pool, the disk cache's memos, a long-running preview's memory — reaches the
stages as one `Warm` (warm.py), which never changes what they make; the
disk cache itself (cache/) is opened, consulted and saved only here and in
the page renderer.
"""

from __future__ import annotations

import functools
import gc
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fengchao import theme
from fengchao.cache.store import BuildCache, cache_dir
from fengchao.digests import Memo
from fengchao.output.lock import build_lock
from fengchao.output.write import check_output_dir, write_site
from fengchao.pool import Pool, default_jobs
from fengchao.problems import BuildFailed, Problem, display_path
from fengchao.warm import COLD, Warm

# The stages are imported in the functions that run them, not here: a build
# that finds nothing changed takes ~0.3 s, and importing them (Jinja,
# Python-Markdown, PyYAML and fengchao's own modules) was ~0.1 s of it.
# (Names for annotations only; nothing at run time depends on them.)
if TYPE_CHECKING:
    from fengchao.content.config import SiteConfig
    from fengchao.content.records import Records
    from fengchao.site.jobs import SiteModel


@dataclass(frozen=True)
class Project:
    root: Path
    content: Path
    out: Path

    @property
    def templates(self) -> tuple[Path, ...]:
        """The template folders, first match wins: the project's, then the packaged theme's."""
        return theme.template_dirs(self.root)

    @property
    def assets(self) -> tuple[Path, ...]:
        """The asset folders: the theme's, then the project's replacing files of the same path."""
        return theme.asset_dirs(self.root)

    @property
    def inputs(self) -> list[Path]:
        """Every file or folder a build reads (the cache's input fingerprint, the preview's watch list)."""
        return [self.root / "site.yaml", self.content, *self.templates, *self.assets, theme.STRINGS]


@dataclass(frozen=True)
class Settings:
    """The options that change what a build makes (the command line's)."""

    base_url: str | None = None
    drafts: bool = False
    strict: bool = False


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    bytes: int = 0
    warnings: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    reused: int = 0  # files linked unchanged from the previous output (build cache)
    images: int = 0  # source images processed by this build; the others came from the build cache


@dataclass(frozen=True)
class Prepared:
    """Stages 1–3 done: what `check` reports on and `build` renders."""

    config: SiteConfig
    records: Records
    model: SiteModel
    warnings: list[Problem]
    timings: dict[str, float]


def build_time(tz) -> datetime:
    """'Now' for publishing decisions; SOURCE_DATE_EPOCH pins it (CI, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.astimezone(tz)


def _fail_on_errors(problems: list[Problem], strict: bool) -> list[Problem]:
    if any(p.severity == "error" or strict for p in problems):
        raise BuildFailed(problems)
    return problems


class _Clock:
    """Seconds per stage, for the report (`timings`)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self._start
        self._start = now


def prepare(project: Project, settings: Settings = Settings(), warm: Warm = COLD) -> Prepared:
    """Load, validate, assemble and lint; raise BuildFailed with every problem found."""
    from fengchao.check.content import lint_site
    from fengchao.check.early_links import validate  # and, if the build stops there, missing link targets
    from fengchao.content.config import load_config
    from fengchao.content.load import load_content
    from fengchao.site.assemble import assemble
    from fengchao.site.assets import asset_files
    from fengchao.site.jobs import BuildOptions

    clock = _Clock()
    config, problems = load_config(project.root / "site.yaml", project.root)
    if config is None:
        raise BuildFailed(problems)
    if settings.base_url:
        config = config.with_base_url(settings.base_url)
    if not project.content.is_dir():
        raise BuildFailed([Problem(str(project.content), 0, "找不到内容文件夹")])
    content, found = load_content(project.content, project.root, warm)
    problems += found
    clock.lap("load")
    records, found = validate(content, config, warm, problems, settings.strict)
    clock.lap("validate")
    # Assembling records that failed validation would add misleading
    # follow-on errors (links to the broken file), so stop here first.
    warnings = _fail_on_errors(problems + found, settings.strict)
    options = BuildOptions(now=build_time(config.tz), include_drafts=settings.drafts)
    model, found = assemble(records, config, options, asset_files(project.assets), warm)
    clock.lap("assemble")
    # The content checker runs on the assembled site: its link rules need
    # every published URL. Reported with all earlier warnings.
    found += lint_site(project.root, config, records, model, options.now, warm)
    clock.lap("lint")
    return Prepared(config, records, model, _fail_on_errors(warnings + found, settings.strict), clock.timings)


def _without_collections(function):
    """Run `function` with the cyclic garbage collector off in this process.

    A build's hundreds of thousands of objects live until it ends, and the
    collector walked them again and again finding almost nothing (~0.1 s of
    a one-article edit, ~0.5 s of a cold 2,000-article build). Its cycles
    come mostly from Markdown and Jinja, in the pool's workers, which
    collect (pool.py); with one job they wait until the end (~3 MB)."""

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
    project: Project,
    *,
    base_url: str | None = None,
    drafts: bool = False,
    strict: bool = False,
    jobs: int | None = None,
    use_cache: bool = True,
    search: bool = True,
) -> BuildReport:
    """The whole build; raise BuildFailed (nothing written) on any error."""
    settings = Settings(base_url, drafts, strict)
    check_output_dir(project.out, project.root, project.content)
    start = time.perf_counter()
    cache = BuildCache(cache_dir(project.root), project.out) if use_cache else None
    if cache:
        from fengchao.cache import fingerprint

        # The day is in it too: anything that depends on "now" is redone at least daily.
        options = (settings, search, str(project.content), build_time(UTC).date().isoformat())
        inputs = fingerprint.of_inputs(project.inputs, repr(options), cache.large_inputs)
        with build_lock(project.out):  # another build may be swapping the output in
            unchanged = cache.unchanged(inputs, build_time(UTC).timestamp())
        if unchanged:
            pages, files, warnings = unchanged
            return BuildReport(pages, files, 0, list(warnings), {"cache": time.perf_counter() - start}, files)
    # One pool for the Markdown and the pages, forked now, before the site is loaded: workers that start small stay small (pool.py).
    with Pool(jobs or default_jobs()) as pool:
        pool.start()
        warm = cache.warm(pool) if cache else Warm(pool=pool, images=Memo())  # a memo all the same: the report counts in it
        try:
            prepared = prepare(project, settings, warm)
        finally:
            if cache:  # even when the build fails: an editor's next save rechecks only what changed
                cache.save_checks(warm)
        timings = dict(prepared.timings)
        timings["cache"] = time.perf_counter() - start - sum(timings.values())
        with _spool(project.out) as spool:
            report, written = _render_and_write(project, settings, prepared, warm, cache, spool, timings, search)
    if cache:
        from fengchao.site.publish import next_change
        from fengchao.site.redirects import vanished

        until = next_change(prepared.records, build_time(prepared.config.tz))
        # The search index is part of the output too: listed, so that an untouched output still counts as intact.
        cache.remember(inputs, until, (report.pages, report.files, report.warnings), written.keys | written.index, written.linked, warm)
        cache.save_pages(written.page_keys, written.stored)
        # Not in the report the cache repeats, and never fatal (even with --strict: a deletion could not be acknowledged).
        # The pages the last build wrote (the cache's file list: a CI job with a restored cache is told too) and this one does not.
        report.warnings.extend(vanished(cache.previous.files, prepared.model, prepared.config.base_path, display_path(project.out, project.root)))
    return report


def _render_and_write(
    project: Project, settings: Settings, prepared: Prepared, warm: Warm, cache: BuildCache | None, spool: Path, timings: dict, search: bool
) -> tuple[BuildReport, _Output]:
    from fengchao.check.output_links import check_scanned
    from fengchao.output.scan import scan_output
    from fengchao.render.pages import render_pages

    clock = _Clock()
    model = prepared.model
    minify = not settings.drafts  # production builds; the preview (drafts) stays readable
    pages = render_pages(model.jobs, project.templates, project.root, warm.pool, cache, minify, spool)
    warm.pool.close()  # the rest of the build runs here; idle workers would only hold memory
    _fail_on_errors(pages.problems, settings.strict)
    clock.lap("render")

    # The output's own links and anchors, before anything is written: a
    # broken one fails the build (and the deploy) with its source line.
    # Pages reused from the last output are checked too: a link in them may
    # point at a page this build removed. Their scans (and, while no target
    # changed, their findings) come from the cache by render key.
    scans = scan_output(pages.files, pages.reused, pages.keys, cache.scans if cache else None, pages.scans)
    paths = {rel for rel, _ in pages.files} | {rel for rel, _ in pages.reused}
    link_problems = check_scanned(
        scans,
        paths,
        model,
        prepared.records,
        prepared.config,
        display_path(project.out, project.root),
        project.root,
        pages.keys,
        cache.findings if cache else None,
    )
    if cache:
        cache.save_links()  # before failing, as the content checker's findings
    warnings = _fail_on_errors(prepared.warnings + link_problems, settings.strict)
    clock.lap("links")

    written = _write(project, prepared, pages, cache, spool, minify, search)
    clock.lap("write")
    images = len(warm.images.used.keys() - warm.images.previous.keys())  # processed: not found in the cache
    report = BuildReport(len(model.jobs), len(written.keys), written.bytes, warnings, {**timings, **clock.timings}, len(written.linked), images)
    return report, written


@dataclass(frozen=True)
class _Output:
    """What the write stage produced, for the cache to remember."""

    keys: dict  # every output file → the key it was made from (the search index apart)
    index: dict  # the search index's files (written by Pagefind, so no key of ours)
    linked: list  # (rel, source) of the files linked unchanged rather than written
    bytes: int  # written
    page_keys: dict  # every page → its render key
    stored: dict  # rel → (size, digest) of each page rendered, for the page store


def _write(project: Project, prepared: Prepared, pages, cache: BuildCache | None, spool: Path, minify: bool, search: bool) -> _Output:
    """Every file into a folder beside the output, then swapped in."""
    from fengchao.output.search_index import BUNDLE_DIR
    from fengchao.render.minify import is_minified, minified_assets
    from fengchao.render.pages import reuse_copies, reuse_raw

    model = prepared.model
    keys = dict(pages.keys)
    minified = minified_assets(model.copies, cache.assembled if cache else None) if minify else []
    raw, raw_links = reuse_raw([(r.path, r.data) for r in model.raw] + minified, cache, keys)
    copies, copy_links = reuse_copies([(c.path, c.source) for c in model.copies if not (minify and is_minified(c.path))], cache, keys)
    in_memory = [(rel, data) for rel, data in pages.files if isinstance(data, bytes)]
    spooled = [rel for rel, data in pages.files if not isinstance(data, bytes)]
    linked = pages.reused + raw_links + copy_links
    finish = functools.partial(_index, language=prepared.config.language) if search else None
    written = write_site(project.out, in_memory + raw, copies, linked, finish, (spool, spooled))
    written += sum(pages.stored[rel][0] for rel in spooled)  # sizes the workers measured: no stat per page
    bundle = project.out / BUNDLE_DIR
    index = {p.relative_to(project.out).as_posix(): "search-index" for p in bundle.rglob("*") if p.is_file()}
    return _Output(keys, index, linked, written, pages.keys, pages.stored)


def _index(folder: Path, language: str) -> int:
    """write_site's finish step: the search index, made in the temp folder before the swap (timed as "write")."""
    from fengchao.output.search_index import index_site

    return index_site(folder, language).bytes


class _spool:
    """Where render workers put pages: beside the output (the write stage renames or links them), per process, removed at the end."""

    def __init__(self, out: Path) -> None:
        out = out.resolve()
        self.path = out.parent / f".{out.name}.spool-{os.getpid()}"

    def __enter__(self) -> Path:
        try:
            self.path.mkdir(parents=True)
        except FileExistsError:  # an earlier build of this process, or of a dead one with our pid
            shutil.rmtree(self.path)
            self.path.mkdir()
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


@dataclass(frozen=True)
class CheckReport:
    articles: int
    guides: int
    stations: int
    pages: int
    warnings: list
    external_checked: int = 0
    external_skipped: int = 0
    unpublished: tuple = ()  # (path, why) of drafts, future and expired articles


def check(project: Project, *, strict: bool = False, external=None, base_url: str | None = None) -> CheckReport:
    """`fengchao check`: everything `build` does except writing.

    Load, validate, assemble, render in memory, then check the output's own links and anchors and,
    only when `external` (a check.external_links policy) asks, its external links. Raises BuildFailed
    with every problem when there is an error (or, with strict, any warning), as a build would."""
    from fengchao.check.external_links import check_external
    from fengchao.check.output_links import check_model, page_sources
    from fengchao.render.pages import render_pages
    from fengchao.site.publish import unpublished
    from fengchao.site.redirects import vanished

    cache = BuildCache(cache_dir(project.root), project.out)
    prepared = prepare(project, Settings(base_url, strict=strict), cache.for_check())
    # The same renderer a build uses (in memory: no cache, not minified).
    rendered = render_pages(prepared.model.jobs, project.templates, project.root, default_jobs(), None)
    files, problems = rendered.files, rendered.problems
    _fail_on_errors(prepared.warnings + problems, strict)
    out_label = display_path(project.out, project.root)
    pages, link_problems = check_model(files, prepared.model, prepared.records, prepared.config, out_label, root=project.root)
    warnings = prepared.warnings + link_problems
    _fail_on_errors(warnings, strict)
    checked = skipped = 0
    if external is not None:
        report = check_external(
            pages,
            base_path=prepared.config.base_path,
            origin=prepared.config.origin,
            sources=page_sources(prepared.records, project.root),
            out_label=out_label,
            policy=external,
        )
        warnings += report.problems
        checked, skipped = report.checked, report.skipped
        _fail_on_errors(warnings, strict)
    # As a build says it (never fatal): a page the last build published that this one would not make.
    warnings += vanished(cache.previous.files, prepared.model, prepared.config.base_path, out_label)
    records = prepared.records
    hidden = tuple(unpublished(records, build_time(prepared.config.tz)))
    return CheckReport(len(records.articles), len(records.guides), len(records.stations), len(pages), warnings, checked, skipped, hidden)
