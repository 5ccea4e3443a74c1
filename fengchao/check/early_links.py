"""Missing link targets, found even when validation has failed.

A build stops before assemble when a record is invalid (assembling it would
add misleading follow-on errors), and links and images are resolved in
assemble. So a bad date used to hide a bad image path until the date was
fixed. On that path only, the pipeline asks this module for every local link
and image of every document (the cover `image` too) that names a file which
does not exist, so the first run shows all of a file's problems. Targets are
checked against the files loaded, drafts included: anything reported here
the normal path would report as well.
"""

from __future__ import annotations

import re

from fengchao.check.content_links import refs
from fengchao.content import validate as stage
from fengchao.content.config import SiteConfig
from fengchao.content.load import LoadedContent
from fengchao.content.records import Records
from fengchao.markup.markdown import LinkMap
from fengchao.problems import Problem
from fengchao.warm import COLD, Warm

_CODE_SPAN = re.compile(r"`[^`]*`")


def validate(content: LoadedContent, config: SiteConfig, warm: Warm = COLD, earlier=(), strict: bool = False) -> tuple[Records, list[Problem]]:
    """Stage 2 (content/validate.py); when it, or `earlier` problems, will stop
    the build there (errors, or any problem with --strict), also the missing
    link and image targets, so that no error hides another."""
    records, found = stage.validate(content, config, warm)
    if any(p.severity == "error" or strict for p in [*earlier, *found]):
        found += missing_targets(content, config.base_path)
    return records, found


def missing_targets(content: LoadedContent, base_path: str) -> list[Problem]:
    links = LinkMap(base_path, {doc.rel: "x/" for doc in content.docs}, frozenset(s.rel for s in content.static))
    problems: list[Problem] = []
    for doc in content.docs:
        image = doc.meta.get("image")
        if isinstance(image, str) and image.strip():
            _, problem = links.resolve(image, doc.rel)
            if problem:
                problems.append(Problem(doc.shown, doc.meta.line_of("image"), f"封面图片：{problem}"))
        fenced = False
        for offset, line in enumerate(doc.body.split("\n")):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            if fenced or line.startswith("    "):
                continue  # code shows links, it does not make them
            for ref in refs(_CODE_SPAN.sub("", line)):
                _, problem = links.resolve(ref.target, doc.rel)
                if problem:
                    problems.append(Problem(doc.shown, doc.body_line + offset, problem))
    return problems
