"""Small bar charts as inline SVG, drawn at build time.

No chart library and no JavaScript: a rider's phone gets a few hundred bytes
of markup that scales with the page. Colours are presentation attributes (not
style="" attributes) so a strict Content-Security-Policy allows them; the
numbers are also in the text of each row, so a screen reader or a printout
loses nothing.
"""
from __future__ import annotations

from html import escape

ROW = 30  # px per bar row, in viewBox units
LABEL_W = 190  # room for a long Chinese label such as 杜尔伯特蒙古族自治县
BAR_W = 330
WIDTH = LABEL_W + BAR_W + 70


def bar_chart(title: str, rows: tuple[tuple[str, int], ...], unit: str = "", total: int | None = None) -> str:
    """A horizontal bar chart; bars scale to `total` (or the largest value)."""
    top = max([total or 0, *(v for _, v in rows)]) or 1
    height = ROW * len(rows) + 8
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        width = round(BAR_W * value / top, 1)
        text = f"{value} {unit}".strip()
        if total:
            text += f"（{round(100 * value / total)}%）"
        parts.append(
            f'<g><text x="{LABEL_W - 8}" y="{y + 19}" text-anchor="end" font-size="15" fill="#1d1a16">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{max(width, 1)}" height="{ROW - 10}" rx="3" fill="#7a4f00"/>'
            f'<text x="{LABEL_W + max(width, 1) + 6}" y="{y + 19}" font-size="14" fill="#4f4a42">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
