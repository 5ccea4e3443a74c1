"""The build, as one visible sequence: load → validate → assemble → render → write.

Each stage returns data plus problems; the build stops before writing
anything if any stage reported an error, so the old output stays untouched.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .assemble import BuildOptions, CopyFile, SiteModel, assemble
from .config import SiteConfig, load_config
from .errors import BuildFailed, Problem, display_path
from .linkcheck import check_model
from .lint import lint_site
from .load import load_content
from .model import Records
from .render import Renderer
from .search import index_site
from .validate import validate
from .write import check_output_dir, write_site


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


def build_time(tz) -> datetime:
    """'Now' for publishing decisions; SOURCE_DATE_EPOCH pins it (CI, tests)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.astimezone(tz)


def asset_files(assets: Path) -> tuple[CopyFile, ...]:
    if not assets.is_dir():
        return ()
    files = sorted(p for p in assets.rglob("*") if p.is_file() and not p.name.startswith("."))
    return tuple(CopyFile("assets/" + p.relative_to(assets).as_posix(), p) for p in files)


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


def prepare(project: Project, *, base_url: str | None = None, drafts: bool = False, strict: bool = False) -> Prepared:
    """Load, validate and assemble; raise BuildFailed with every problem found."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    config, problems = load_config(project.root / "site.yaml", project.root)
    if config is None:
        raise BuildFailed(problems)
    if base_url:
        config = config.with_base_url(base_url)
    if not project.content.is_dir():
        raise BuildFailed([Problem(str(project.content), 0, "找不到内容文件夹")])
    content, load_problems = load_content(project.content, project.root)
    timings["load"] = time.perf_counter() - start

    start = time.perf_counter()
    records, validate_problems = validate(content, config)
    timings["validate"] = time.perf_counter() - start
    # Assembling records that failed validation would add misleading
    # follow-on errors (links to the broken file), so stop here first.
    warnings = _fail_on_errors(problems + load_problems + validate_problems, strict)

    start = time.perf_counter()
    options = BuildOptions(now=build_time(config.tz), include_drafts=drafts)
    model, problems = assemble(records, config, options, asset_files(project.assets))
    timings["assemble"] = time.perf_counter() - start
    start = time.perf_counter()
    # The content checker (lint.py) runs on the assembled site: its link
    # rules need every published URL. Reported with all earlier warnings.
    problems += lint_site(project.root, config, records, model, options.now)
    warnings = _fail_on_errors(warnings + problems, strict)
    timings["lint"] = time.perf_counter() - start
    return Prepared(config, records, model, warnings, timings)


def build(project: Project, *, base_url: str | None = None, drafts: bool = False, strict: bool = False) -> BuildReport:
    check_output_dir(project.out, project.root, project.content)
    prepared = prepare(project, base_url=base_url, drafts=drafts, strict=strict)
    model, timings = prepared.model, dict(prepared.timings)

    start = time.perf_counter()
    files, problems = render_all(model, Renderer(project.templates, project.root))
    _fail_on_errors(problems, strict)
    timings["render"] = time.perf_counter() - start

    # The output's own links and anchors, before anything is written: a
    # broken one fails the build (and the deploy) with its source line.
    start = time.perf_counter()
    link_problems = check_model(files, model, prepared.records, prepared.config, display_path(project.out, project.root), root=project.root)[1]
    _fail_on_errors(prepared.warnings + link_problems, strict)
    timings["links"] = time.perf_counter() - start

    start = time.perf_counter()
    written = write_site(project.out, files + [(r.path, r.data) for r in model.raw], [(c.path, c.source) for c in model.copies], _indexer(prepared.config))
    timings["write"] = time.perf_counter() - start
    return BuildReport(len(model.jobs), len(files) + len(model.raw) + len(model.copies), written, prepared.warnings + link_problems, timings)


def _indexer(config: SiteConfig):
    """write_site's finish step: the search index, made in the temp folder
    before the swap (so the "write" timing includes it)."""

    def index(folder: Path) -> int:
        return index_site(folder, config.language).bytes

    return index


def render_all(model: SiteModel, renderer: Renderer) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    files, problems, seen = [], [], set()
    for job in model.jobs:
        data, problem = renderer.render(job.template, job.context)
        if problem:
            # One broken template breaks many pages; say it once.
            if problem not in seen:
                problems.append(problem)
                seen.add(problem)
            continue
        files.append((job.path, data))
    return files, problems
