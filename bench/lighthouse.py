"""Lighthouse mobile scores and page weights for the pages riders use most.

Not a test (slow, and scores wobble with machine load): run it by hand and
copy the table into docs/accessibility.md.

    npm install --no-save lighthouse@12.2.3      # once; or set LIGHTHOUSE=/path/to/bin/lighthouse
    python -m bench.lighthouse [--port 8810] [--photos]

It builds the demo site into a temp folder with a base URL matching a local
server (127.0.0.1, the given port), then runs Lighthouse's default mobile
profile (Moto G Power, slow 4G throttling) with Debian's Chromium. With
`--photos` it builds bench/photo_article.py's site instead (one article with
three 12-megapixel phone photos) and measures that article."""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import photo_article
from fengchao.cli import main as fengchao

REPO = Path(__file__).resolve().parents[1]
PAGES = [("home", ""), ("article", "news/kuaidi-xiaoge-jianzhi-wanggeyuan/"), ("station directory", "stations/"), ("guide", "guides/falv-yuanzhu/")]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def lighthouse_bin() -> str:
    found = os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse", path=str(REPO / "node_modules/.bin")) or shutil.which("lighthouse")
    if not found:
        sys.exit("lighthouse not found: npm install --no-save lighthouse@12.2.3 (or set LIGHTHOUSE=…)")
    return found


def run(port: int, photos: bool = False) -> list[dict]:
    binary = lighthouse_bin()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        url = f"http://127.0.0.1:{port}/"
        root, pages = REPO, PAGES
        if photos:
            root, pages = Path(tmp) / "project", [("article with three 12-megapixel photos", photo_article.PATH)]
            photo_article.write_project(root)
        server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(out)))
        if fengchao(["--root", str(root), "build", "--out", str(out), "--base-url", url]) != 0:
            sys.exit(f"{root} did not build")
        threading.Thread(target=server.serve_forever, daemon=True).start()
        rows = []
        try:
            for name, path in pages:
                report = Path(tmp) / "report.json"
                subprocess.run(
                    [
                        binary,
                        url + path,
                        "--quiet",
                        "--output=json",
                        f"--output-path={report}",
                        "--only-categories=" + ",".join(CATEGORIES),
                        "--chrome-flags=--headless --no-sandbox --disable-gpu",
                    ],
                    check=True,
                    env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
                )
                data = json.loads(report.read_text(encoding="utf-8"))
                audits = data["audits"]
                items = audits["network-requests"]["details"]["items"]
                rows.append(
                    {
                        "page": name,
                        "path": "/" + path,
                        **{c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES},
                        "bytes": sum(i.get("transferSize", 0) for i in items),
                        "requests": len(items),
                        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
                        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
                        "failed": sorted(
                            a
                            for ref in (r for c in CATEGORIES for r in data["categories"][c]["auditRefs"] if r["weight"])
                            for a in [ref["id"]]
                            if audits[a].get("score") is not None and audits[a]["score"] < 0.9
                        ),
                    }
                )
        finally:
            server.shutdown()
            server.server_close()
        return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8810)
    parser.add_argument("--photos", action="store_true", help="measure bench/photo_article.py's three-photo article instead of the demo")
    args = parser.parse_args()
    rows = run(args.port, args.photos)
    print("| page | performance | accessibility | best practices | SEO | transferred | requests | FCP | LCP |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['page']} (`{r['path']}`) | {r['performance']} | {r['accessibility']} | {r['best-practices']} | {r['seo']} "
            f"| {r['bytes'] / 1024:.1f} KB | {r['requests']} | {r['fcp_ms']} ms | {r['lcp_ms']} ms |"
        )
    for r in rows:
        if r["failed"]:
            print(f"{r['page']}: audits below 90: {', '.join(r['failed'])}", file=sys.stderr)
    return 0 if all(r[c] >= 95 for r in rows for c in CATEGORIES) else 1


if __name__ == "__main__":
    sys.exit(main())
