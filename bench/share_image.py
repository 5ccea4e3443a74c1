"""Render assets/og-image.png, the site's default share picture (Open Graph
og:image: what WeChat and other apps show next to a shared link).

A developer tool, run by hand when the picture should change; the PNG is
committed so builds need no browser:

    python -m bench.share_image

It draws the HTML below in Debian's Chromium at 1200x630 (the size share
cards expect) and keeps the file small (at most 60 KB)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "assets/og-image.png"
LIMIT = 60_000

HTML = """<!doctype html><html lang="zh-CN"><meta charset="utf-8"><style>
html,body{margin:0;width:1200px;height:630px}
body{background:#7a4f00;color:#fff;font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;
 display:flex;flex-direction:column;justify-content:center;padding:0 90px;box-sizing:border-box}
.mark{width:120px;height:120px;margin-bottom:40px}
h1{font-size:96px;margin:0 0 28px;letter-spacing:4px}
p{font-size:44px;margin:0;color:#fff3d6}
.bar{position:absolute;left:0;right:0;bottom:0;height:36px;background:#5c3b00}
</style><body>
<svg class="mark" viewBox="0 0 24 24" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round">
<path d="M12 2 21 7v10l-9 5-9-5V7z"/><circle cx="12" cy="12" r="3" fill="#fff"/></svg>
<h1>城市小蜜蜂 · 蜂巢</h1><p>庆小驿温暖服务站 · 新闻 · 办事指南</p><div class="bar"></div>
</body></html>"""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "share.html"
        page.write_text(HTML, encoding="utf-8")
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--hide-scrollbars",
                f"--screenshot={OUT}",
                "--window-size=1200,630",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    size = OUT.stat().st_size
    print(f"{OUT.relative_to(REPO)}: {size} bytes")
    return 0 if size <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
