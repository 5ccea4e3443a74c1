"""Save-to-reload time of `fengchao serve`: edit one article, time until the
browser's reload message arrives over livereload's websocket.

    python -m bench.serve_latency [--content DIR] [--port 8410] [--edits 5]

Uses the project in the current folder (site.yaml, templates, assets); with
--content, e.g. a corpus from `python -m bench.corpus /tmp/c4 --articles 2000`,
edits that folder's first news article (and restores it afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


async def measure(port: int, article: Path, edits: int) -> list[float]:
    from tornado.websocket import websocket_connect

    ws = await websocket_connect(f"ws://127.0.0.1:{port}/livereload")
    ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await ws.read_message()
    ws.write_message(json.dumps({"command": "info", "url": f"http://127.0.0.1:{port}/"}))
    ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await ws.read_message()  # handled in order: we are now a reload waiter
    original = article.read_text(encoding="utf-8")
    times = []
    try:
        for n in range(edits):
            start = time.perf_counter()
            article.write_text(original + f"\n测量第 {n} 次保存。\n", encoding="utf-8")
            await asyncio.wait_for(ws.read_message(), 300)
            times.append(time.perf_counter() - start)
            await asyncio.sleep(0.5)
    finally:
        article.write_text(original, encoding="utf-8")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--port", type=int, default=8410)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    article = sorted((args.content / "news").rglob("*.md"))[0]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, FENGCHAO_CACHE_DIR=cache)
        proc = subprocess.Popen(
            [sys.executable, "-m", "fengchao", "serve", "--port", str(args.port), "--content", str(args.content)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{args.port}/_fengchao/status.json", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None:
                        sys.exit(proc.stdout.read())
                    time.sleep(0.2)
            times = asyncio.run(measure(args.port, article, args.edits))
        finally:
            proc.terminate()
            proc.wait(10)
    ms = sorted(t * 1000 for t in times)
    print(f"{article}: save → reload over {len(ms)} edits: median {statistics.median(ms):.0f} ms, min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms")


if __name__ == "__main__":
    main()
