"""Plots (matplotlib, headless): concentration by stage and scenario shortfall, as PNG or SVG
files or as PNG bytes (the HTML report embeds them).

The only module of :mod:`kg.analysis` that draws; it draws results the other modules
computed and never computes anything itself. Every chart names things (not ids), states
its source and data year in a footnote, and keeps its labels apart: a label drawn inside a
bar is dropped when it would not fit or would touch another label, and
:func:`overlapping_labels` lets tests check a figure.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.errors import RekgError

__all__ = ["plot_concentration", "plot_shortfall", "concentration_figure", "shortfall_figure",
           "figure_png", "overlapping_labels", "source_note"]

_FORMATS = {".png", ".svg"}


def _figure_path(path: Path) -> Path:
    if path.suffix.lower() not in _FORMATS:
        raise RekgError(f"--plot {path}: expected a file name ending in .png or .svg")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def source_note(source_ids: Sequence[str], sources: Mapping[str, Mapping[str, Any]] | None = None,
                limit: int = 3) -> str:
    """A chart footnote naming its sources: publisher, title and year when the bibliography
    has them, the id otherwise.

    >>> source_note(["source:a"], {"source:a": {"publisher": "USGS", "title": "MCS 2025", "published": "2025-01-31"}})
    'Source: USGS, MCS 2025 (2025)'
    >>> source_note(["source:a", "source:b"])
    'Sources: source:a; source:b'
    """
    sources = sources or {}
    parts = []
    for sid in list(dict.fromkeys(source_ids))[:limit]:
        s = sources.get(sid) or {}
        if s.get("title"):
            year = str(s.get("published") or "")[:4]
            who = f"{s['publisher']}, " if s.get("publisher") else ""
            parts.append(f"{who}{s['title']}" + (f" ({year})" if year else ""))
        else:
            parts.append(sid)
    more = len(set(source_ids)) - len(parts)
    text = "; ".join(parts) + (f"; and {more} more (see the report's bibliography)" if more > 0 else "")
    return ("Source: " if len(parts) == 1 and more <= 0 else "Sources: ") + text


def _wrap(text: str, width: int = 130) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _texts(fig: Any) -> list[Any]:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def overlapping_labels(fig: Any) -> list[tuple[str, str]]:
    """Pairs of visible texts of ``fig`` whose drawn boxes intersect (should be empty).

    >>> plt = _pyplot(); fig, ax = plt.subplots()
    >>> _ = ax.text(0.5, 0.5, "one"); _ = ax.text(0.5, 0.5, "two")
    >>> overlapping_labels(fig)
    [('one', 'two')]
    >>> plt.close(fig)
    """
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in _texts(fig)]
    out = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if box_a.overlaps(box_b) and box_a.width > 0 and box_b.width > 0:
                out.append((a, b))
    return out


def _drop_crowded(fig: Any, labels: list[Any], bars: list[Any], inside: bool = True) -> None:
    """Hide bar labels wider than their bar (``inside``: drawn in it) or touching any other text."""
    renderer = fig.canvas.get_renderer()
    for label, bar in zip(labels, bars, strict=True):
        box = label.get_window_extent(renderer)
        if inside and box.width + 4 > bar.get_window_extent(renderer).width:
            label.set_visible(False)
    for label in labels:
        if not label.get_visible():
            continue
        box = label.get_window_extent(renderer)
        for other in _texts(fig):
            if other is not label and other.get_window_extent(renderer).overlaps(box):
                label.set_visible(False)
                break


def concentration_figure(results: Sequence[dict[str, Any]], title: str = "",
                         sources: Mapping[str, Mapping[str, Any]] | None = None) -> Any:
    """Stacked bars of supplier shares per stage (one bar per result, top 5 named in the
    legend, shares written inside the bars where they fit); footnote with the sources."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(10, 2.6 + 0.75 * max(1, len(results))))
    palette = plt.get_cmap("tab10")
    colours: dict[str, Any] = {}
    in_bar, segments = [], []
    ticks = []
    for i, r in enumerate(results):
        left = 0.0
        for s in r["shares"][:5]:
            name = s.get("name") or s.get("id", "?")
            first = name not in colours
            colour = colours.setdefault(name, palette(len(colours) % 10))
            bar = ax.barh(i, s["share"], left=left, color=colour, label=name if first else None)[0]
            label = ax.text(left + s["share"] / 2, i, f"{100 * s['share']:.0f}%", ha="center", va="center",
                            fontsize=8, color="white", fontweight="bold")
            in_bar.append(label)
            segments.append(bar)
            left += s["share"]
        if left < 0.999:
            ax.barh(i, 1.0 - left, left=left, color="#d0d0d0",
                    label="others" if "others" not in colours else None)
            colours.setdefault("others", "#d0d0d0")
        element = r.get("element")
        element = "" if not element or str(element).startswith("all") else f" {element}"
        ticks.append(f"{r['stage']}{element}, {r.get('year') or 'year n/s'}\nHHI {r['hhi']:,.0f}")
    ax.set_yticks(range(len(results)), ticks, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{100 * x:.0f}%"))
    ax.set_xlabel("share of the stage's output")
    ax.set_title(textwrap.fill(title or "Concentration by stage", 90), fontsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(6, max(1, len(colours))),
              fontsize=8, frameon=False)
    srcs = [s for r in results for s in r.get("sources", [])]
    fig.text(0.01, 0.01, _wrap(source_note(srcs, sources)), fontsize=7, ha="left", va="bottom", color="#333333")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.canvas.draw()
    _drop_crowded(fig, in_bar, segments)
    return fig


def shortfall_figure(impacts: Sequence[dict[str, Any]], title: str = "",
                     names: Mapping[str, str] | None = None, note: str = "") -> Any:
    """Grouped bars: shortfall as a share of supply before, per consumer (by name) and element."""
    plt = _pyplot()
    names = names or {}
    impacts = [i for i in impacts if i.get("before") is not None]  # no demand, no share
    consumers = list(dict.fromkeys(i["consumer"] for i in impacts))
    elements = list(dict.fromkeys(i["element"] or "all" for i in impacts))
    value = {(i["consumer"], i["element"] or "all"): i["shortfall_share"] or 0.0 for i in impacts}
    fig, ax = plt.subplots(figsize=(max(8.0, 1.2 * len(consumers) * max(1, len(elements)) / 2), 4.8))
    width = 0.8 / max(1, len(elements))
    values, bars = [], []
    for k, element in enumerate(elements):
        xs = [c + k * width for c in range(len(consumers))]
        ys = [100 * value.get((c, element), 0.0) for c in consumers]
        for bar, y in zip(ax.bar(xs, ys, width=width, label=element), ys, strict=True):
            values.append(ax.text(bar.get_x() + bar.get_width() / 2, y + 1, f"{y:.0f}%", ha="center",
                                  va="bottom", fontsize=7))
            bars.append(bar)

    def label(c: str) -> str:
        name = names.get(c, "")
        if not name or ":" in name:  # no name in the graph: the id's code (region:eu → EU)
            area, _, role = c.partition("@")
            prefix, _, code = area.partition(":")
            code = code.upper() if prefix in ("country", "region") else code.replace("-", " ")
            name = f"{code} {role.replace('-', ' ')}".strip()
        return textwrap.fill(name, 16)

    ax.set_xticks([c + 0.4 - width / 2 for c in range(len(consumers))], [label(c) for c in consumers],
                  fontsize=8)
    ax.set_ylim(0, 108)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel("shortfall, % of supply before")
    ax.set_title(textwrap.fill(title or "Scenario shortfall", 70), fontsize=11)
    if elements:
        ax.legend(title="element", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if note:
        fig.text(0.01, 0.01, _wrap(note, 120), fontsize=7, ha="left", va="bottom", color="#333333")
    fig.tight_layout(rect=(0, 0.07 if note else 0, 1, 1))
    fig.canvas.draw()
    _drop_crowded(fig, values, bars, inside=False)
    return fig


def figure_png(fig: Any, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (and closed)."""
    plt = _pyplot()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def _save(fig: Any, path: Path) -> Path:
    plt = _pyplot()
    fig.savefig(_figure_path(path))
    plt.close(fig)
    return path


def plot_concentration(results: Sequence[dict[str, Any]], path: Path, title: str = "",
                       sources: Mapping[str, Mapping[str, Any]] | None = None) -> Path:
    """:func:`concentration_figure` written to ``path`` (.png or .svg).

    ``results`` are ``ConcentrationResult.to_json()`` dicts.

    >>> import tempfile, pathlib
    >>> r = {"stage": "mining", "year": 2024, "sources": ["source:u"], "hhi": 5000.0,
    ...      "shares": [{"name": "China", "share": 0.7}, {"name": "US", "share": 0.3}]}
    >>> out = plot_concentration([r], pathlib.Path(tempfile.mkdtemp()) / "c.svg")
    >>> out.read_text()[:5]
    '<?xml'
    """
    _figure_path(path)
    return _save(concentration_figure(results, title, sources), path)


def plot_shortfall(impacts: Sequence[dict[str, Any]], path: Path, title: str = "",
                   names: Mapping[str, str] | None = None, note: str = "") -> Path:
    """:func:`shortfall_figure` written to ``path``.

    ``impacts`` are ``Impact.to_json()`` dicts.

    >>> import tempfile, pathlib
    >>> i = [{"consumer": "US", "element": "Dy", "shortfall_share": 0.9},
    ...      {"consumer": "US", "element": "Nd", "shortfall_share": 0.0}]
    >>> plot_shortfall(i, pathlib.Path(tempfile.mkdtemp()) / "s.png").stat().st_size > 0
    True
    """
    _figure_path(path)
    return _save(shortfall_figure(impacts, title, names, note), path)
