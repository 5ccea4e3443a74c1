"""Stage 4 at scale: render every page on every core, and only what changed.

A page's key is a hash of everything its bytes depend on: its output path,
its template and every template that one extends, includes or imports (by
content), its whole context (pickled: the views are plain frozen data), and
the cache's SALT (fengchao's version and code). Rendering is a pure function
of those, so a page whose key matches the last build's, and whose output file
is untouched since, is hard-linked from the old output instead of rendered.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from jinja2 import meta

from fengchao.cache.page_store import page_entry
from fengchao.cache.store import BuildCache
from fengchao.digests import Memo, context_digest, digest
from fengchao.output.scan import scan_html
from fengchao.output.write import safe_rel
from fengchao.pool import Pool, pool_for
from fengchao.problems import Problem
from fengchao.render import minify
from fengchao.render.templates import Renderer

# A chunk's pickled contexts stay in this process until a worker has
# rendered it: small chunks keep them a few MB (a page's context is ~6 KB
# pickled; every setup sent with them is a few hundred bytes).
PAGES_PER_CHUNK = 64


@dataclass(frozen=True)
class RenderedPages:
    files: list  # (rel, bytes) to write, or (rel, Path) of a page already written to the spool folder
    reused: list  # (rel, previous output file) to link
    keys: dict  # rel → key, for every page
    problems: list
    scans: dict  # rel → PageLinks of each HTML page rendered in a worker (for the link check)
    stored: dict  # rel → (size, digest) of each page rendered, for the cache's page store (cache/page_store.py)


def template_keys(renderer: Renderer, names: set[str], parsed: Memo | None = None) -> dict[str, str]:
    """Per template, a hash of its source and of every template it pulls in.

    `parsed`: each source text's references, from the last build (the build
    cache, or a long-running process's memory): parsing every template again
    costs ~30 ms a build."""
    env = renderer.env
    sources: dict[str, str | None] = {}
    refs: dict[str, set[str] | None] = {}

    def visit(name: str) -> None:
        if name in sources:
            return
        try:
            source = env.loader.get_source(env, name)[0]
            make = lambda: set(meta.find_referenced_templates(env.parse(source)))  # noqa: E731
            found = parsed.reuse(digest(b"template-refs", source), make) if parsed is not None else make()
        except Exception:  # noqa: BLE001 - the render stage reports it with its line
            sources[name], refs[name] = None, set()
            return
        sources[name] = source
        # A computed name ({% include var %}) could be any template.
        refs[name] = None if None in found else found
        for child in found - {None}:
            visit(child)

    for name in names:
        visit(name)
    every = None
    keys = {}
    for name in names:
        closure, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current in closure:
                continue
            closure.add(current)
            if refs.get(current) is None:
                every = every or sorted(env.loader.list_templates())
                for other in every:
                    visit(other)
                closure |= set(every)
                todo += [t for t in every if t not in closure]
            else:
                todo += list(refs[current])
        h = hashlib.sha256()
        for member in sorted(closure):
            h.update(member.encode() + b"\0" + (sources.get(member) or "\0missing\0").encode() + b"\0")
        keys[name] = h.hexdigest()
    return keys


def _render(renderer: Renderer, path: str, template: str, context: dict, minified: bool) -> tuple[bytes | None, Problem | None]:
    data, problem = renderer.render(template, context)
    if data is not None and minified and path.endswith(".html"):
        data = minify.page(data)
    return data, problem


def _page_worker(templates: tuple[Path, ...], root: Path, minified: bool, scan: bool, spool: Path | None):
    renderer = Renderer(templates, root)
    intern: dict = {}

    def run(items: list) -> list:
        out = []
        for index, path, template, context, pickled in items:
            data, problem = _render(renderer, path, template, pickle.loads(pickled) if context is None else context, minified)
            # The link check's parse of the page, here where the bytes are:
            # spread over the cores instead of ~1 s in the parent (cold build).
            links = scan_html(data, intern) if scan and data is not None and path.endswith(".html") else None
            # The page store's check of the bytes, made here too: the parent
            # read every new page back and hashed it (~0.07 s, cold build).
            stored = page_entry(data) if data is not None else None
            if spool is not None and data is not None:
                # The page goes to disk here, not back to the parent: at
                # 10,000 articles the parent held ~150 MB of pages until the
                # write stage.
                data = _spool(spool, path, data)
            out.append((index, data, problem, links, stored))
        return out

    return run


def _ship(item: tuple) -> tuple:
    """A page as sent to a worker: its context as the bytes its key was made
    from (unpickled there), not the objects (pickled again, with the rest)."""
    index, path, template, _, pickled = item
    return index, path, template, None, pickled


def _spool(spool: Path, rel: str, data: bytes) -> Path | bytes:
    """The page at its place in the output's layout (`news/x/index.html`):
    on a build with no previous output to recycle, the spool itself becomes
    the new output folder, its folders made here on every core instead of
    one by one in the write stage (write.py)."""
    try:
        rel = safe_rel(rel)
    except ValueError:
        return data  # never outside the spool: the write stage refuses the path
    target = spool.joinpath(*rel.split("/"))
    os.makedirs(target.parent, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(data)
    return target


def render_pages(
    jobs: tuple,
    templates: tuple[Path, ...],
    root: Path,
    workers: int | Pool,
    cache: BuildCache | None,
    minified: bool = False,
    spool: Path | None = None,
) -> RenderedPages:
    """With `spool` (an empty folder), rendered pages are written there and
    come back as paths in `files` instead of bytes."""
    renderer = Renderer(templates, root)
    tkeys = template_keys(renderer, {job.template for job in jobs}, cache.assembled if cache else None)
    keys: dict[str, str] = {}
    reused: list = []

    def stale():
        # Keys are made here, in this process, from the objects themselves,
        # so a key is the same whichever process renders the page, with any
        # --jobs. A page is pickled only as the pool takes it: the pickles of
        # a 10,000-article site, all at once, are ~100 MB. Last job first:
        # assemble makes the list pages (the archive's context is ~6 MB
        # pickled at 10,000 articles) after the articles, and a worker
        # rendering one of those while this process holds every scan already
        # returned made the build's peak (~25 MB more than in this order).
        for index in reversed(range(len(jobs))):
            job = jobs[index]
            pickled = None if job.known_digest else pickle.dumps(job.context, protocol=5)
            context = job.known_digest or context_digest(job.context, pickled)
            keys[job.path] = key = digest(tkeys[job.template], job.path, job.template, str(minified), context)
            old = cache.reusable(job.path, key) if cache else None
            if old is not None:
                reused.append((index, job.path, old))
            else:
                if pickled is None:
                    pickled = pickle.dumps(job.context, protocol=5)
                yield index, job.path, job.template, job.context, pickled

    with pool_for(workers) as pool:
        # With more than one process, pages are parsed for the link check
        # where they are rendered; in one, the link check parses them as it always did.
        setup = (templates, root, minified, pool.jobs > 1, spool)
        done = list(pool.map(_page_worker, setup, stale(), len(jobs), _ship, PAGES_PER_CHUNK))
    files, problems, seen, scans, stored = [], [], set(), {}, {}
    for index, data, problem, links, entry in reversed(done):  # in job order, as everything after expects
        path = jobs[index].path
        if links is not None:
            scans[path] = links
        if entry is not None:
            stored[path] = entry
        if problem:
            # One broken template breaks many pages; say it once.
            if problem not in seen:
                problems.append(problem)
                seen.add(problem)
            continue
        files.append((path, data))
    keys = {job.path: keys[job.path] for job in jobs}
    reused = [(path, old) for _, path, old in reversed(reused)]
    return RenderedPages(files, reused, keys, problems, scans, stored)


def reuse_raw(items: list[tuple[str, bytes]], cache: BuildCache | None, keys: dict) -> tuple[list, list]:
    """Generated non-page files (JSON exports): link the old file if the bytes are the same."""
    files, reused = [], []
    for rel, data in items:
        keys[rel] = key = digest(b"raw", data)
        old = cache.reusable(rel, key) if cache else None
        (reused.append((rel, old)) if old else files.append((rel, data)))
    return files, reused


def reuse_copies(items: list[tuple[str, Path]], cache: BuildCache | None, keys: dict) -> tuple[list, list]:
    """Copied files (assets, images): link the old copy if the source's bytes are the same."""
    copies, reused = [], []
    for rel, source in items:
        keys[rel] = key = digest(b"copy", source.read_bytes())
        old = cache.reusable(rel, key) if cache else None
        (reused.append((rel, old)) if old else copies.append((rel, source)))
    return copies, reused
