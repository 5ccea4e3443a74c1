"""Markdown bodies converted before the domain modules ask for them.

Converting Markdown is most of assemble's time, and each body is independent,
so every body is converted up front: from the build cache when the same body
(in the same file, at the same line) was converted before and every link it
resolved still resolves the same way, otherwise in worker processes. The
results are handed to the `MarkdownRenderer`, whose `render` then returns
them, so domain modules stay unaware of caching and processes.
"""

from __future__ import annotations

from fengchao.digests import Memo, digest
from fengchao.markup.markdown import LinkMap, MarkdownRenderer
from fengchao.pool import Pool, pool_for


def _md_worker(links: LinkMap, trusted: frozenset):
    md = MarkdownRenderer(links, trusted)

    def run(items: list) -> list:
        out = []
        for item in items:
            rendered, problems = md.render(*item)
            out.append((rendered, problems, tuple(md.lookups)))
        return out

    return run


def prerender(
    md: MarkdownRenderer, items: list[tuple[str, str, str, int]], workers: int | Pool, cache: Memo | None, warm: dict | None = None
) -> None:
    """Convert every (body, source_rel, shown, body_line) into `md`'s memo.

    `warm`, kept by a long-running process, maps each item to its cache key
    and result as of the last build: while what links can point at is
    unchanged, an item seen then needs neither hashing nor its links
    re-resolved (~30 ms for 2,000 articles, on every preview save).
    """
    missing: list[tuple[str, tuple]] = []
    known = warm.get("items", {}) if warm is not None and warm.get("links") == (md.links, md.trusted) else {}
    seen: dict = {}
    for item in dict.fromkeys(items):
        hit = known.get(item)
        if hit is not None:
            md.remember(item, hit[1][0], hit[1][1])
            seen[item] = hit
            if cache is not None:
                cache.used[hit[0]] = hit[1]
            continue
        # Whether the file is trusted decides if its HTML is sanitized.
        key = digest("markdown", *map(str, item), str(item[1] in md.trusted))
        entry = cache.previous.get(key) if cache else None
        if entry is not None and all(md.links.answers(lookup, item[1]) for lookup in entry[2]):
            md.remember(item, entry[0], entry[1])
            cache.used[key] = entry
            seen[item] = (key, entry)
        else:
            missing.append((key, item))
    with pool_for(workers) as pool:
        results = pool.map(_md_worker, (md.links, md.trusted), (item for _, item in missing), len(missing))
        for (key, item), entry in zip(missing, results, strict=True):
            md.remember(item, entry[0], entry[1])
            seen[item] = (key, entry)
            if cache is not None:
                cache.used[key] = entry
    if warm is not None:
        warm.update(links=(md.links, md.trusted), items=seen)
