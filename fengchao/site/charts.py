"""Small bar charts as inline SVG, drawn at build time.

No chart library and no JavaScript: a rider's phone gets a few hundred bytes
of markup that scales with the page. Colours are presentation attributes (not
style="" attributes) so a strict Content-Security-Policy allows them; the
numbers are also in the text of each row, so a screen reader or a printout
loses nothing.
"""

from __future__ import annotations

from html import escape

ROW = 46  # viewBox units per row: a label line, then its bar
WIDTH = 360  # about a phone's width, so text is drawn near its real size
BAR_W = 230  # leaves room after the longest bar for "13 处（100%）"


def bar_chart(title: str, rows: tuple[tuple[str, int], ...], unit: str = "", total: int | None = None) -> str:
    """A horizontal bar chart, label above bar; bars scale to `total` (or the largest value)."""
    top = max([total or 0, *(v for _, v in rows)]) or 1
    height = ROW * len(rows) + 4
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(rows):
        y = i * ROW
        width = max(round(BAR_W * value / top, 1), 2)
        text = f"{value} {unit}".strip()
        if total:
            text += f"（{round(100 * value / total)}%）"
        parts.append(
            f'<g><text x="0" y="{y + 17}" font-size="15" fill="#1d1a16">{escape(label)}</text>'
            f'<rect x="0" y="{y + 23}" width="{width}" height="16" rx="3" fill="#7a4f00"/>'
            f'<text x="{width + 6}" y="{y + 37}" font-size="14" fill="#4f4a42">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)
