"""A whole fengchao build of a site with camera-size photos: cold, no change, edits.

    python -m bench.photo_site [--photos 100] [--keep DIR] [--rounds 3] [--jobs 2]

bench/images.py times the image processing alone; this times what an
editor waits for: the `fengchao build` command (the whole process,
interpreter start included) of a site whose articles show N photos of
4032×3024 (bench/images.py's generator; `--keep DIR` reuses DIR/photos, and
the photos are hard-linked into the site, never changed in place). Five
photos an article, the first one its cover, on top of a small corpus
(bench/corpus.py). Each round:

- `cold`: no output, no build cache;
- `no change`: the same build again;
- `text edit`: a paragraph added to one article with photos;
- `photo replaced`: one of the photos replaced by a different JPEG.

Each row gives the median wall time over `--rounds` and how many images the
build processed, as the build itself says (its summary line: "处理了 N 张图片",
absent when it processed none). A figure, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from .corpus import write_corpus
from .images import make_photos

REPO = Path(__file__).resolve().parent.parent
PER_ARTICLE = 5
SCENARIOS = ("cold", "no change", "text edit", "photo replaced")
SUMMARY = re.compile(r"已生成 \d+ 个页面[^\n]*")
PROCESSED = re.compile(r"处理了 (\d+) 张图片")


def photo_article(index: int, names: list[str]) -> str:
    images = "\n\n".join(f'![站点活动照片 {name}](../../images/photos/{name} "图为第 {index} 次活动")' for name in names)
    return (
        f"---\ntitle: 驿站活动照片（{index}）\ndate: 2024-06-{1 + index % 28:02d} 09:00\ntags: [驿站]\n"
        f"image: ../../images/photos/{names[0]}\nimage_alt: 驿站门口的活动现场\n---\n\n活动当天的照片。\n\n{images}\n"
    )


def make_site(root: Path, photos: list[Path]) -> Path:
    """A fengchao project in `root` whose articles show every photo; returns the article to edit."""
    for folder in ("templates", "assets"):  # the hub's own (the theme is in the package)
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder)
    shutil.copyfile(REPO / "site.yaml", root / "site.yaml")
    content = write_corpus(root, articles=40, stations=10, guides=4)
    folder = content / "images" / "photos"
    folder.mkdir(parents=True)
    for path in photos:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copy2(path, folder / path.name)
    articles = content / "news" / "2024"
    articles.mkdir(parents=True, exist_ok=True)
    names = [p.name for p in photos]
    for start in range(0, len(names), PER_ARTICLE):
        (articles / f"photos-{start:03d}.md").write_text(photo_article(start, names[start : start + PER_ARTICLE]), encoding="utf-8")
    return articles / "photos-000.md"


def replace_photo(path: Path, round_no: int) -> None:
    """A different JPEG under the same name (new bytes every round), written
    beside it and renamed over it: a hard-linked original is left alone."""
    with Image.open(path) as im:
        changed = im.transpose(Image.Transpose.FLIP_LEFT_RIGHT if round_no % 2 else Image.Transpose.FLIP_TOP_BOTTOM)
    buffer = io.BytesIO()
    changed.save(buffer, "JPEG", quality=85 + round_no % 10)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(buffer.getvalue())
    os.replace(tmp, path)


def timed_build(root: Path, jobs: int, env: dict) -> tuple[float, int]:
    """Wall seconds of one `fengchao build`, and the images it says it processed."""
    command = [sys.executable, "-m", "fengchao", "--root", str(root), "build", "--no-search", "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    summary = SUMMARY.search(done.stdout)
    if done.returncode or summary is None:
        sys.exit(f"fengchao build failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    found = PROCESSED.search(summary.group(0))
    return elapsed, int(found.group(1)) if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="the photos are generated into DIR/photos, or reused from there")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fengchao-photo-site-"))
    try:
        photos = make_photos((args.keep or work) / "photos", args.photos, args.jobs)
        root = work / "site"
        article = make_site(root, photos)
        env = dict(os.environ, PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH=str(int(time.time())), PYTHONPYCACHEPREFIX=str(work / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode cached, as an installed package's is (bench/run.py)
        times: dict[str, list[float]] = {name: [] for name in SCENARIOS}
        counts: dict[str, list[int]] = {name: [] for name in SCENARIOS}
        for round_no in range(args.rounds):
            for folder in (".cache", "site", ".site.prev"):
                shutil.rmtree(root / folder, ignore_errors=True)
            for name in SCENARIOS:
                if name == "text edit":
                    with article.open("a", encoding="utf-8") as f:
                        f.write(f"\n补充说明第 {round_no + 1} 条。\n")
                elif name == "photo replaced":
                    replace_photo(root / "content/images/photos" / photos[-1].name, round_no)
                seconds, processed = timed_build(root, args.jobs, env)
                times[name].append(seconds)
                counts[name].append(processed)
                print(f"round {round_no + 1}: {name} {seconds:.2f} s, {processed} images processed", flush=True)
        print(report(times, counts, photos, args))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(times: dict, counts: dict, photos: list[Path], args) -> str:
    size = sum(p.stat().st_size for p in photos) / len(photos) / 1e6
    lines = [
        f"{len(photos)} photos of 4032×3024 ({size:.1f} MB each on average), {PER_ARTICLE} an article; "
        f"`fengchao build --no-search --jobs {args.jobs}`, whole process, median of {args.rounds} rounds",
        "",
        "| build | wall time (s) | images processed |",
        "|---|---:|---:|",
    ]
    for name in SCENARIOS:
        shown = sorted(set(counts[name]))
        lines.append(f"| {name} | {statistics.median(times[name]):.2f} | {', '.join(map(str, shown))} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
