"""Builds kept warm in one process: what `fengchao serve` runs on every save.

The preview must follow a save within a blink on a 2,000-article site, so a
`LiveSite` keeps, from one build to the next, everything that the command
line build would otherwise read back from its cache or redo:

- each content file's load result, by its stat (`Warm.files`), so
  only the saved file is read and parsed again;
- parsed YAML, converted Markdown and the station directory, in memory (the
  stores the build cache persists for the command line), handed to the
  stages in one `Warm` as the command line's build hands them its cache's;
- every page's rendered bytes with the template key and the context they
  were made from. A page whose template (and everything it pulls in) is
  unchanged and whose context compares equal to last time's is not rendered
  again. Comparing the frozen views with `==` costs a few microseconds a
  page, where pickling and hashing them (what `incremental.render_pages`
  does across processes) costs ~0.1 ms;
- the link checker's per-page scans.

It writes nothing to disk. A build's result is a `Snapshot`, every output
path mapped to its bytes (or, for copied files, their source), which the
preview server swaps in whole: a request is answered from one complete build,
never from half of one. Stages are the same functions `build` runs (load →
validate → assemble → lint → render → link check); only the bookkeeping
differs, and tests compare the two byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fengchao.check.output_links import check_scanned
from fengchao.digests import Memo
from fengchao.output.scan import scan_output
from fengchao.pipeline import Project, Settings, prepare
from fengchao.pool import default_jobs
from fengchao.problems import BuildFailed, Problem, display_path
from fengchao.render.pages import render_pages, template_keys
from fengchao.render.templates import Renderer
from fengchao.warm import Warm

POOL_FROM = 200  # stale pages; fewer render quicker here than forking workers


@dataclass(frozen=True)
class Snapshot:
    """One complete preview build, as the server answers from it."""

    files: dict  # output path → bytes, or the Path of a file copied as it is
    pages: int
    rendered: tuple[str, ...]  # pages rendered by this build; the others were unchanged
    warnings: tuple[Problem, ...] = ()


@dataclass
class LiveSite:
    project: Project
    base_url: str | None = None
    drafts: bool = True
    jobs: int = field(default_factory=default_jobs)
    _files: dict = field(default_factory=dict, repr=False)  # load results by stat
    _yaml: Memo = field(default_factory=Memo, repr=False)
    _markdown: Memo = field(default_factory=Memo, repr=False)
    _stations: Memo = field(default_factory=Memo, repr=False)  # the station directory by its inputs
    _recall: dict = field(default_factory=dict, repr=False)  # validate's per-document and assemble's per-domain results
    _pages: dict = field(default_factory=dict, repr=False)  # rel → (template key, context, bytes, link-check key)
    _renderer: Renderer | None = field(default=None, repr=False)  # kept while no template changes
    _tkeys: dict = field(default_factory=dict, repr=False)
    _parsed: Memo = field(default_factory=Memo, repr=False)  # templates each template source references
    _lint: dict = field(default_factory=dict, repr=False)  # the content checker's findings per document
    _scans: dict = field(default_factory=dict, repr=False)  # the link check's per-page scans, by key
    _findings: dict = field(default_factory=dict, repr=False)
    _images: Memo = field(default_factory=Memo, repr=False)  # processed images by source bytes + settings
    _sources: Memo = field(default_factory=Memo, repr=False)  # image sources' digests by stat: a save reads no photo
    _made: int = 0  # pages rendered so far: each rendering's link-check key

    def build(self) -> Snapshot:
        """Raise BuildFailed with every problem, as `pipeline.build` does."""
        lint = Memo(self._lint)
        warm = Warm(
            pool=self.jobs,
            yaml=self._yaml,
            markdown=self._markdown,
            stations=self._stations,
            lint=lint,
            files=self._files,
            recall=self._recall,
            images=self._images,
            image_sources=self._sources,
        )
        prepared = prepare(self.project, Settings(self.base_url, self.drafts), warm)
        self._lint = lint.used
        # This build's entries are the next one's "previous"; entries no
        # longer used (a deleted article's) are dropped, so memory stays flat.
        self._markdown, self._yaml, self._stations = Memo(self._markdown.used), Memo(self._yaml.used), Memo(self._stations.used)
        self._images, self._sources = Memo(self._images.used), Memo(self._sources.used)
        model = prepared.model
        renderer = self._renderer or Renderer(self.project.templates, self.project.root)
        tkeys = template_keys(renderer, {job.template for job in model.jobs}, self._parsed)
        self._parsed = Memo(self._parsed.used)
        if tkeys != self._tkeys:
            # A template changed: a fresh environment, not Jinja's own
            # mtime check (a second save within a clock tick looks unchanged).
            renderer = Renderer(self.project.templates, self.project.root)

        pages: dict[str, tuple] = {}
        stale = []
        proven: dict = {}
        for job in model.jobs:
            known = self._pages.get(job.path)
            if known is not None and known[0] == tkeys[job.template] and _same(known[1], job.context, proven):
                pages[job.path] = known
            else:
                stale.append(job)
        made, failed = {}, []
        if len(stale) > POOL_FROM:
            # A template edit makes every page stale: then the worker pool pays.
            fresh = render_pages(tuple(stale), self.project.templates, self.project.root, self.jobs, None)
            made, failed = dict(fresh.files), fresh.problems
        else:
            for job in stale:
                made[job.path], problem = renderer.render(job.template, job.context)
                if problem and problem not in failed:
                    failed.append(problem)
        if failed:
            raise BuildFailed(prepared.warnings + failed)
        for job in stale:
            # The link check's key for these bytes: new bytes, a new key.
            self._made += 1
            pages[job.path] = (tkeys[job.template], job.context, made[job.path], f"live-{self._made}")

        keys = {rel: entry[3] for rel, entry in pages.items()}
        scans, findings = Memo(self._scans), Memo(self._findings)
        scanned = scan_output([(rel, entry[2]) for rel, entry in pages.items()], (), keys, scans)
        out_label = display_path(self.project.out, self.project.root)
        link_problems = check_scanned(scanned, set(pages), model, prepared.records, prepared.config, out_label, self.project.root, keys, findings)
        self._scans, self._findings = scans.used, findings.used
        problems = prepared.warnings + link_problems
        if any(p.severity == "error" for p in link_problems):
            raise BuildFailed(problems)
        self._pages, self._renderer, self._tkeys = pages, renderer, tkeys

        files: dict[str, bytes | Path] = {rel: entry[2] for rel, entry in pages.items()}
        files.update((raw.path, raw.data) for raw in model.raw)
        files.update((copy.path, copy.source) for copy in model.copies)
        return Snapshot(files, len(model.jobs), tuple(job.path for job in stale), tuple(problems))


def _same(old: dict, new: dict, proven: dict) -> bool:
    """`old == new` for two page contexts, each shared value compared once.

    Thousands of contexts hold the same few objects (the site view, a list
    page's cards): a pair already found equal (or not) in this build is not
    compared again. Both contexts are alive meanwhile, so ids are stable.
    """
    if old.keys() != new.keys():
        return False
    for key, was in old.items():
        now = new[key]
        if was is now:
            continue
        if type(was) is tuple and type(now) is tuple:
            # A list page's cards: each card is on several pages (list, tag,
            # category, archive); compare each pair of cards once.
            if len(was) != len(now) or not all(a is b or _proven(a, b, proven) for a, b in zip(was, now)):
                return False
        elif not _proven(was, now, proven):
            return False
    return True


def _proven(was, now, proven: dict) -> bool:
    pair = (id(was), id(now))
    verdict = proven.get(pair)
    if verdict is None:
        verdict = proven[pair] = type(was) is type(now) and was == now
    return verdict
