"""Measure search on a built site: index size, bytes a first query downloads,
and query latency in Chromium.

    python -m fengchao build --content /tmp/c5/content --out /tmp/c5www/hub --base-url http://127.0.0.1:8520/hub/
    python -m bench.search /tmp/c5www/hub --port 8520 --queries 充电 体检 网格员

The site must have been built with --base-url http://127.0.0.1:PORT/hub/ and
its output folder named `hub` (it is served from the folder above). Bytes
are what the server sent (Python's http.server: no HTTP compression; the
index chunks are gzip files already, pagefind.js and the .wasm are not).
Latency is from pressing Enter to the result list being shown, measured in
the page with performance.now().
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEFAULT_QUERIES = ["充电", "体检", "网格员", "关爱", "骑手", "微波炉", "萨尔图区", "驿", "庆小驿 充电", "心理关爱"]
# Files Pagefind writes for its own UIs, which our search page never loads.
UNUSED = ("pagefind-ui", "pagefind-modular-ui", "pagefind-component-ui", "pagefind-highlight")


class Counting(SimpleHTTPRequestHandler):
    """Counts the body bytes of every file served (the worker's fetches
    included, which a page-level request log can miss)."""

    served: list[tuple[str, int]] = []

    def send_head(self):
        f = super().send_head()
        if f is not None and hasattr(f, "fileno"):
            self.served.append((self.path, os.fstat(f.fileno()).st_size))
        return f

    def log_message(self, *args):
        pass


def index_size(site: Path) -> dict[str, int]:
    bundle = site / "pagefind"
    sizes = {"index chunks": 0, "fragments": 0, "filters": 0, "meta + entry": 0, "js + wasm": 0, "unused UI files": 0}
    counts = dict.fromkeys(sizes, 0)
    for path in bundle.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(bundle).as_posix()
        key = (
            "index chunks"
            if rel.startswith("index/")
            else "fragments"
            if rel.startswith("fragment/")
            else "filters"
            if rel.startswith("filter/")
            else "unused UI files"
            if rel.startswith(UNUSED)
            else "meta + entry"
            if rel.endswith((".pf_meta", ".json"))
            else "js + wasm"
        )
        sizes[key] += path.stat().st_size
        counts[key] += 1
    for key in sizes:
        print(f"  {key:16} {counts[key]:5} files {sizes[key] / 1024:9.1f} KiB")
    used = sum(v for k, v in sizes.items() if k != "unused UI files")
    print(f"  {'index (used)':16} {sum(c for k, c in counts.items() if k != 'unused UI files'):5} files {used / 1024:9.1f} KiB")
    return sizes


MEASURE = """async (query) => {
  const input = document.getElementById('search-q');
  const status = document.getElementById('search-status');
  input.value = query;
  const start = performance.now();
  const done = new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (status.textContent && !status.textContent.startsWith('正在')) { seen.disconnect(); resolve(); }
    });
    seen.observe(status, { childList: true, characterData: true, subtree: true });
  });
  document.getElementById('search-form').requestSubmit();
  await done;
  return [performance.now() - start, status.textContent];
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="the built site folder (named hub)")
    parser.add_argument("--port", type=int, default=8520)
    parser.add_argument("--queries", nargs="+", default=DEFAULT_QUERIES)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    site = args.site.resolve()
    print(f"index size, {site}:")
    index_size(site)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), functools.partial(Counting, directory=str(site.parent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{args.port}/{site.name}/search/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for query in args.queries:
                # A new context per query: a cold cache, as for a rider's first search.
                context = browser.new_context()
                page = context.new_page()
                page.goto(url)
                Counting.served.clear()
                first, status = page.evaluate(MEASURE, query)
                fetched = [size for path, size in Counting.served if "/pagefind/" in path]
                first_bytes, first_requests = sum(fetched), len(fetched)
                other = args.queries[(args.queries.index(query) + 1) % len(args.queries)]
                second = page.evaluate(MEASURE, other)[0]
                warm = [page.evaluate(MEASURE, query)[0] for _ in range(3)]
                print(
                    f"{query:8} first query {first:6.0f} ms, {first_bytes / 1024:6.1f} KiB in {first_requests:3} requests;"
                    f" then {other} {second:5.0f} ms; repeated {statistics.median(warm):4.0f} ms · {status}"
                )
                context.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
