#!/usr/bin/env python3
"""The chart and the table of benches/inbox_growth.rs: each figure's cost as a ratio to
the same figure on the empty inbox, against the rows stored (10k, 100k, 1M, log scale),
one line per figure, one panel per engine, with the target (1.2) drawn. Python's standard
library only.

    python3 scripts/inbox_growth_chart.py [target/inbox_growth.json] [docs/img/inbox-growth.svg]

Writes the SVG and prints the Markdown table (figures and ratios) and the purge's line.
"""

import json
import math
import sys
from xml.sax.saxutils import escape

FIGURES = [
    ("ack_p50_ms", "ack p50", "ms"),
    ("ack_p99_ms", "ack p99", "ms"),
    ("claim_ms", "claim (per delivery)", "ms"),
    ("list_us", "list page", "µs"),
    ("list_after_us", "page after (deep)", "µs"),
    ("list_dead_us", "dead page", "µs"),
    ("get_us", "get", "µs"),
    ("stats_us", "stats", "µs"),
]
COLOURS = ["#1f77b4", "#aec7e8", "#ff7f0e", "#2ca02c", "#98df8a", "#d62728", "#9467bd", "#8c564b"]
DASHES = ["", "6,3", "", "", "6,3", "", "", ""]
TARGET = 1.2


def rows_label(rows):
    if rows == 0:
        return "empty"
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1000:
        return f"{round(rows / 1000)}k"
    return str(rows)


def ratios(engine):
    sizes = engine["sizes"]
    empty = sizes[0]
    out = {}
    for key, _, _ in FIGURES:
        base = empty[key]
        out[key] = [(s["rows"], s[key] / base if base else float("nan")) for s in sizes[1:]]
    return out


def table(document):
    lines = []
    for engine in document["engines"]:
        sizes = engine["sizes"]
        empty = sizes[0]
        lines.append(f"**{engine['engine']}**")
        lines.append("")
        lines.append("| rows | " + " | ".join(label for _, label, _ in FIGURES) + " |")
        lines.append("| ---: |" + " ---: |" * len(FIGURES))
        for size in sizes:
            cells = []
            for key, _, unit in FIGURES:
                value = size[key]
                digits = 2 if unit == "ms" else 0
                cell = f"{value:.{digits}f} {unit}"
                if size["rows"]:
                    ratio = value / empty[key]
                    mark = "" if ratio <= TARGET else " **missed**"
                    cell += f" ({ratio:.2f}×{mark})"
                cells.append(cell)
            lines.append(f"| {rows_label(size['rows'])} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("| engine | done deliveries purged | purge took | ack p99 idle | ack p99 during the purge | ratio (target ≤ 2) | ack p50 idle → during | acks during |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for engine in document["engines"]:
        p = engine.get("purge")
        if not p:
            continue
        ratio = p["during_p99_ms"] / p["idle_p99_ms"]
        mark = "met" if ratio <= 2 else "missed"
        lines.append(
            f"| {engine['engine']} | {p['purged']:,} of {p['rows']:,} | {p['seconds']:.1f} s "
            f"| {p['idle_p99_ms']:.2f} ms | {p['during_p99_ms']:.2f} ms | {ratio:.2f}× ({mark}) "
            f"| {p['idle_p50_ms']:.2f} → {p['during_p50_ms']:.2f} ms | {p['during_acks']:,} |"
        )
    return "\n".join(lines)


def svg(document):
    engines = document["engines"]
    panel_w, panel_h = 440, 300
    left, top, gap = 60, 50, 40
    legend_h = 70
    width = left + len(engines) * (panel_w + gap)
    height = top + panel_h + 50 + legend_h
    all_ratios = [r for e in engines for series in ratios(e).values() for _, r in series if r == r and r > 0]
    y_low = min([0.5] + all_ratios)
    y_high = max([2.0] + all_ratios)
    # A log2 axis from a power of two at or below the lowest ratio to one at or above the highest.
    lo = 2 ** math.floor(math.log2(y_low))
    hi = 2 ** math.ceil(math.log2(y_high))
    xs = sorted({s["rows"] for e in engines for s in e["sizes"][1:]})
    x_lo, x_hi = math.log10(min(xs)) - 0.15, math.log10(max(xs)) + 0.15

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">'
        "The inbox at scale: cost against rows stored, as a ratio to the empty inbox "
        "(same run)</text>",
    ]
    for index, engine in enumerate(engines):
        x0 = left + index * (panel_w + gap)
        y0 = top

        def px(rows):
            return x0 + (math.log10(rows) - x_lo) / (x_hi - x_lo) * panel_w

        def py(ratio):
            return y0 + panel_h - (math.log2(ratio) - math.log2(lo)) / (math.log2(hi) - math.log2(lo)) * panel_h

        out.append(f'<text x="{x0 + panel_w / 2}" y="{y0 - 10}" text-anchor="middle" font-size="13">{escape(engine["engine"])}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{panel_w}" height="{panel_h}" fill="none" stroke="#888"/>')
        tick = lo
        while tick <= hi * 1.0001:
            y = py(tick)
            out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + panel_w}" y2="{y:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:g}×</text>')
            tick *= 2
        y = py(TARGET)
        out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + panel_w}" y2="{y:.1f}" stroke="#d62728" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{x0 + panel_w - 4}" y="{y - 4:.1f}" text-anchor="end" fill="#d62728">target 1.2×</text>')
        for rows in xs:
            x = px(rows)
            out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + panel_h}" stroke="#eee"/>')
            out.append(f'<text x="{x:.1f}" y="{y0 + panel_h + 16}" text-anchor="middle">{rows_label(rows)}</text>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{y0 + panel_h + 34}" text-anchor="middle">deliveries stored (log scale)</text>')
        for (key, label, _), colour, dash in zip(FIGURES, COLOURS, DASHES):
            series = [(r, v) for r, v in ratios(engine)[key] if v == v and v > 0]
            if not series:
                continue
            points = " ".join(f"{px(r):.1f},{py(v):.1f}" for r, v in series)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashed}>'
                       f"<title>{escape(label)}</title></polyline>")
            for r, v in series:
                out.append(f'<circle cx="{px(r):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}">'
                           f"<title>{escape(label)} at {rows_label(r)}: {v:.2f}×</title></circle>")
    # The legend, shared by the panels.
    ly = top + panel_h + 56
    per_row = 4
    for i, ((_, label, _), colour, dash) in enumerate(zip(FIGURES, COLOURS, DASHES)):
        lx = left + (i % per_row) * 210
        y = ly + (i // per_row) * 20
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{lx}" y1="{y}" x2="{lx + 24}" y2="{y}" stroke="{colour}" stroke-width="2"{dashed}/>')
        out.append(f'<text x="{lx + 30}" y="{y + 4}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "target/inbox_growth.json"
    target = sys.argv[2] if len(sys.argv) > 2 else "docs/img/inbox-growth.svg"
    with open(source, encoding="utf-8") as f:
        document = json.load(f)
    import os

    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(svg(document))
    print(table(document))
    print()
    print(f"chart: {target}")


if __name__ == "__main__":
    main()
