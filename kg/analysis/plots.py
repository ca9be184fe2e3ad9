"""Plots (matplotlib, headless): concentration by stage and scenario shortfall, as PNG or SVG.

The only module of :mod:`kg.analysis` that writes files; it draws results the other
modules computed and never computes anything itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kg.errors import RekgError

__all__ = ["plot_concentration", "plot_shortfall"]

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


def plot_concentration(results: Sequence[dict[str, Any]], path: Path, title: str = "") -> Path:
    """Stacked bars of supplier shares per stage (one bar per result, top 5 named).

    ``results`` are ``ConcentrationResult.to_json()`` dicts.

    >>> import tempfile, pathlib
    >>> r = {"stage": "mining", "year": 2024, "sources": ["source:u"], "hhi": 5000.0,
    ...      "shares": [{"name": "China", "share": 0.7}, {"name": "US", "share": 0.3}]}
    >>> out = plot_concentration([r], pathlib.Path(tempfile.mkdtemp()) / "c.svg")
    >>> out.read_text()[:5]
    '<?xml'
    """
    path = _figure_path(path)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.7 * max(1, len(results))))
    labels = []
    palette = plt.get_cmap("tab10")
    colours: dict[str, Any] = {}
    for i, r in enumerate(results):
        left = 0.0
        for s in r["shares"][:5]:
            colour = colours.setdefault(s["name"], palette(len(colours) % 10))
            ax.barh(i, s["share"], left=left, color=colour,
                    label=s["name"] if s["name"] not in ax.get_legend_handles_labels()[1] else None)
            if s["share"] >= 0.06:
                ax.text(left + s["share"] / 2, i, f"{s['name']} {100 * s['share']:.0f}%",
                        ha="center", va="center", fontsize=8, color="white")
            left += s["share"]
        if left < 1.0:
            ax.barh(i, 1.0 - left, left=left, color="#dddddd")
        labels.append(f"{r['stage']} {r.get('year') or ''}\nHHI {r['hhi']:,.0f} · "
                      f"{', '.join(r['sources'])[:40]}")
    ax.set_yticks(range(len(results)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of stage output")
    ax.set_title(title or "Concentration by stage")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_shortfall(impacts: Sequence[dict[str, Any]], path: Path, title: str = "") -> Path:
    """Grouped bars: shortfall as a share of supply before, per consumer and element.

    ``impacts`` are ``Impact.to_json()`` dicts.

    >>> import tempfile, pathlib
    >>> i = [{"consumer": "US", "element": "Dy", "shortfall_share": 0.9},
    ...      {"consumer": "US", "element": "Nd", "shortfall_share": 0.0}]
    >>> plot_shortfall(i, pathlib.Path(tempfile.mkdtemp()) / "s.png").stat().st_size > 0
    True
    """
    path = _figure_path(path)
    plt = _pyplot()
    consumers = list(dict.fromkeys(i["consumer"] for i in impacts))
    elements = list(dict.fromkeys(i["element"] or "all" for i in impacts))
    value = {(i["consumer"], i["element"] or "all"): i["shortfall_share"] or 0.0 for i in impacts}
    fig, ax = plt.subplots(figsize=(max(6, 1.5 * len(consumers) * max(1, len(elements)) / 2), 4))
    width = 0.8 / max(1, len(elements))
    for k, element in enumerate(elements):
        xs = [c + k * width for c in range(len(consumers))]
        ys = [100 * value.get((c, element), 0.0) for c in consumers]
        ax.bar(xs, ys, width=width, label=element)
    ax.set_xticks([c + 0.4 - width / 2 for c in range(len(consumers))],
                  [c.replace("@magnet-users", "") for c in consumers], fontsize=8, rotation=20)
    ax.set_ylim(0, 100)
    ax.set_ylabel("shortfall, % of supply before")
    ax.set_title(title or "Scenario shortfall")
    ax.legend(title="element")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
