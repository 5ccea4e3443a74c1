"""The finder's two budgets, measured (figures for the issue, not a test):
stations.json for N stations, gzipped; and sorting N stations by distance in
Chromium with the site's own assets/finder.js.

    python -m bench.finder            # 624 and 5,000 stations
    python -m bench.finder --runs 500

Needs Playwright and /usr/bin/chromium (as the browser tests do).
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
from pathlib import Path

from bench.corpus import write_corpus
from fengchao.cli import main

REPO = Path(__file__).resolve().parent.parent


def data_size(stations: int) -> tuple[int, int, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        content = write_corpus(Path(tmp) / "c", articles=0, stations=stations, guides=0)
        out = Path(tmp) / "site"
        if main(["--root", str(REPO), "build", "--content", str(content), "--out", str(out)]) != 0:
            raise SystemExit("build failed")
        data = (out / "stations/stations.json").read_bytes()
    return len(data), len(gzip.compress(data, 9)), data


def sort_times(data: dict[int, bytes], runs: int) -> dict[int, tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page()
        page.set_content("<!doctype html><title>bench</title>")
        page.add_script_tag(path=str(REPO / "fengchao/theme/assets/geo.js"))
        page.add_script_tag(path=str(REPO / "fengchao/theme/assets/finder.js"))
        results = {}
        for n, raw in data.items():
            times = page.evaluate(
                """([json, runs]) => {
                  const stations = JSON.parse(json).stations, out = [];
                  for (let i = 0; i < runs; i++) {
                    const lat = 46.3 + (i % 7) * 0.1, lng = 124.6 + (i % 5) * 0.15;
                    const t = performance.now();
                    FengchaoFinder.rank(stations, lat, lng);
                    out.push(performance.now() - t);
                  }
                  return out;
                }""",
                [raw.decode("utf-8"), runs],
            )
            times.sort()
            results[n] = (statistics.median(times), times[int(len(times) * 0.95)])
        browser.close()
    return results


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, nargs="+", default=[624, 5000])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    data = {}
    for n in args.stations:
        raw, gz, data[n] = data_size(n)
        print(f"stations.json, {n} stations: {raw / 1024:.1f} KB, {gz / 1024:.1f} KB gzipped")
    for n, (median, p95) in sort_times(data, args.runs).items():
        print(f"rank {n} stations in Chromium: median {median:.2f} ms, p95 {p95:.2f} ms ({args.runs} runs)")


if __name__ == "__main__":
    run()
