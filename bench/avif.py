"""Does AVIF pay? The three photos of bench/photo_article.py at the widths a
page shows them, WebP as fengchao encodes it beside AVIF at the same
visual quality.

    python -m bench.avif [--speed 6]

For each photo and width: the WebP rendition (ImageSettings' quality and
method), its SSIM against the resized pixels (luma, Gaussian window σ 1.5,
as Wang et al. 2004), then the lowest AVIF quality (Pillow's own AVIF
encoder, libavif + aom, 4:2:0) whose SSIM is at least as good, found by
bisection; bytes and encode time of both. Prints a Markdown table for
docs/performance.md. A figure, not a test: needs a Pillow built with AVIF.
"""

from __future__ import annotations

import argparse
import io
import sys
import time

import numpy as np
from PIL import Image, features

from bench.photo_article import PHOTOS, photo_jpeg
from fengchao.images import ImageSettings
from fengchao.images.encode import REDUCING_GAP, RESAMPLE

SETTINGS = ImageSettings()
# The widths a rider's browser picks: 375 px at DPR 2 and 1280 px at DPR 1
# (the 44rem column: 704 CSS px) take the middle width, 1280 px at DPR 2 the largest.
WIDTHS = (SETTINGS.widths[1], SETTINGS.widths[-1])


def gaussian_filter(x: np.ndarray, sigma: float) -> np.ndarray:
    """A separable Gaussian blur (radius 3σ, edges repeated): the window SSIM
    averages over, without a SciPy dependency for one function."""
    radius = int(3 * sigma + 0.5)
    weights = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    weights /= weights.sum()
    for axis in (0, 1):
        padded = np.pad(x, [(radius, radius) if a == axis else (0, 0) for a in (0, 1)], mode="edge")
        size = x.shape[axis]
        x = sum(w * np.take(padded, range(i, i + size), axis=axis) for i, w in enumerate(weights))
    return x


def ssim(a: Image.Image, b: Image.Image) -> float:
    x = np.asarray(a.convert("L"), dtype=np.float64)
    y = np.asarray(b.convert("L"), dtype=np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = gaussian_filter(x, 1.5), gaussian_filter(y, 1.5)
    sxx = gaussian_filter(x * x, 1.5) - mx * mx
    syy = gaussian_filter(y * y, 1.5) - my * my
    sxy = gaussian_filter(x * y, 1.5) - mx * my
    index = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return float(index.mean())


def encoded(image: Image.Image, fmt: str, **options) -> tuple[bytes, float]:
    out = io.BytesIO()
    start = time.perf_counter()
    image.save(out, fmt, **options)
    return out.getvalue(), time.perf_counter() - start


def decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def matching_avif(image: Image.Image, target: float, speed: int) -> tuple[int, bytes, float, float]:
    """(quality, bytes, encode seconds, SSIM) of the smallest AVIF at least as good as `target`."""
    low, high, best = 1, 100, None
    while low <= high:
        quality = (low + high) // 2
        data, seconds = encoded(image, "AVIF", quality=quality, speed=speed, subsampling="4:2:0")
        score = ssim(image, decoded(data))
        if score >= target:
            best, high = (quality, data, seconds, score), quality - 1
        else:
            low = quality + 1
    assert best is not None, "even AVIF q100 is worse than the WebP"
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", type=int, default=6, help="libavif speed 0-10 (default 6, Pillow's default)")
    args = parser.parse_args()
    if not features.check("avif"):
        sys.exit("this Pillow has no AVIF support")
    print(f"Pillow AVIF (libavif {features.version('avif')}), speed {args.speed}; WebP q{SETTINGS.webp_quality} method {SETTINGS.webp_method}")
    print("| photo | width | WebP | SSIM | AVIF (same SSIM) | quality | saved | WebP encode | AVIF encode |")
    print("|---|---|---|---|---|---|---|---|---|")
    totals = {"webp": 0, "avif": 0, "webp_s": 0.0, "avif_s": 0.0}
    for seed, name in enumerate(PHOTOS, start=17):
        source = Image.open(io.BytesIO(photo_jpeg(seed))).convert("RGB")
        for width in WIDTHS:
            picture = source.resize((width, round(width * source.height / source.width)), RESAMPLE, reducing_gap=REDUCING_GAP)
            webp, webp_s = encoded(picture, "WEBP", quality=SETTINGS.webp_quality, method=SETTINGS.webp_method)
            target = ssim(picture, decoded(webp))
            quality, avif, _, score = matching_avif(picture, target, args.speed)
            _, avif_s = encoded(picture, "AVIF", quality=quality, speed=args.speed, subsampling="4:2:0")  # timed alone
            totals["webp"] += len(webp)
            totals["avif"] += len(avif)
            totals["webp_s"] += webp_s
            totals["avif_s"] += avif_s
            print(
                f"| {name} | {width} | {len(webp) / 1024:.1f} KB | {target:.4f} | {len(avif) / 1024:.1f} KB ({score:.4f}) | q{quality} "
                f"| {100 * (1 - len(avif) / len(webp)):.0f} % | {webp_s * 1000:.0f} ms | {avif_s * 1000:.0f} ms |"
            )
    print(
        f"| all three | {'+'.join(map(str, WIDTHS))} | {totals['webp'] / 1024:.1f} KB | | {totals['avif'] / 1024:.1f} KB | "
        f"| {100 * (1 - totals['avif'] / totals['webp']):.0f} % | {totals['webp_s'] * 1000 / 3:.0f} ms/photo | {totals['avif_s'] * 1000 / 3:.0f} ms/photo |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
