"""`fengchao check`: everything `build` does except writing.

Load, validate, assemble, render in memory, then check the output's own links
and anchors (linkcheck.py) and, only when asked, its external links
(extlinks.py). Raises BuildFailed with every problem when there is an error
(or, with strict, any warning), exactly like a build would.
"""
from __future__ import annotations

from dataclasses import dataclass

from fengchao.problems import BuildFailed, Problem, display_path
from fengchao.check.external_links import ExternalPolicy, check_external
from fengchao.check.output_links import check_model, page_sources
from fengchao.render.pages import render_pages
from fengchao.pool import default_jobs
from fengchao.pipeline import Project, build_time, prepare
from fengchao.site.publish import unpublished


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


def _fail(problems: list[Problem], strict: bool) -> None:
    if any(p.severity == "error" for p in problems) or (strict and problems):
        raise BuildFailed(problems)


def check(project: Project, *, strict: bool = False, external: ExternalPolicy | None = None,
          base_url: str | None = None) -> CheckReport:
    prepared = prepare(project, base_url=base_url, strict=strict)
    # The same renderer a build uses (in memory: no cache, not minified).
    rendered = render_pages(prepared.model.jobs, project.templates, project.root, default_jobs(), None)
    files, problems = rendered.files, rendered.problems
    _fail(prepared.warnings + problems, strict)
    out_label = display_path(project.out, project.root)
    pages, link_problems = check_model(files, prepared.model, prepared.records, prepared.config, out_label, root=project.root)
    warnings = prepared.warnings + link_problems
    _fail(warnings, strict)
    checked = skipped = 0
    if external is not None:
        report = check_external(pages, base_path=prepared.config.base_path, origin=prepared.config.origin,
                                sources=page_sources(prepared.records, project.root), out_label=out_label, policy=external)
        warnings += report.problems
        checked, skipped = report.checked, report.skipped
        _fail(warnings, strict)
    records = prepared.records
    hidden = tuple(unpublished(records, build_time(prepared.config.tz)))
    return CheckReport(len(records.articles), len(records.guides), len(records.stations), len(pages), warnings, checked, skipped, hidden)
