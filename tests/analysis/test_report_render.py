"""The report a reader can check: the HTML report parsed back (charts embedded as PNG, a
bibliography whose entries resolve to URLs), charts without overlapping labels, and every
analysis stopping with one line and exit status 2 on an empty graph."""

from __future__ import annotations

import base64
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from kg.analysis.plots import concentration_figure, overlapping_labels, shortfall_figure
from kg.analysis.report import attach_bibliography, build_report, cited_sources, render_markdown
from kg.model import Batch
from kg.store.memory import MemoryStore


class _Page(HTMLParser):
    """Images, links, and the list items under the Bibliography heading."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.heading: str | None = None
        self._in_h2 = False
        self.bib: list[dict[str, object]] = []
        self._item: dict[str, object] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        elif tag == "h2":
            self._in_h2 = True
            self.heading = ""
        elif tag == "li" and self.heading == "Bibliography":
            self._item = {"text": "", "links": []}
        elif tag == "a" and self._item is not None:
            self._item["links"].append(a.get("href"))  # type: ignore[union-attr]

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False
        elif tag == "li" and self._item is not None:
            self.bib.append(self._item)
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.heading = (self.heading or "") + data
        if self._item is not None:
            self._item["text"] += data  # type: ignore[operator]


def _app(home, monkeypatch):
    monkeypatch.setenv("REKG_HOME", str(home))
    monkeypatch.delenv("REKG_NEO4J_URI", raising=False)
    from kg.cli import app

    return app


@pytest.fixture
def world_app(world, tmp_path, monkeypatch):
    ents, claims = world
    MemoryStore(tmp_path / "graph.json").replace_all(Batch(entities=ents, claims=claims))
    return _app(tmp_path, monkeypatch)


def test_html_report_embeds_charts_and_resolves_its_bibliography(world_app, tmp_path, world):
    page = tmp_path / "report.html"
    result = CliRunner().invoke(world_app, ["report", "-o", str(page)])
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    parsed = _Page()
    parsed.feed(html)
    charts = [i for i in parsed.images if (i.get("src") or "").startswith("data:image/png;base64,")]
    assert len(charts) >= 2, "the concentration and shortfall charts are embedded"
    for img in charts:
        assert base64.b64decode(img["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
        assert img.get("alt"), "every chart has a text alternative"
    assert parsed.heading == "Bibliography", "the report ends with the bibliography"
    ents, _ = world
    urls = {e.id: e.properties["url"] for e in ents if e.type == "Source"}
    cited = {sid for sid in urls if sid in html.split("<h2>Bibliography</h2>")[0]}
    assert cited, "the report cites sources"
    listed = {}
    for item in parsed.bib:
        sid = str(item["text"]).split(":", 2)
        listed[f"{sid[0]}:{sid[1]}".strip()] = item["links"]
    for sid in cited:
        assert listed.get(sid) == [urls[sid]], f"{sid} does not resolve to its URL"


def test_markdown_report_ends_with_the_bibliography(world):
    ents, claims = world
    report = attach_bibliography(build_report(ents, claims, dates=[("2025-06-01", "June")], elements=["Dy"]),
                                 ents)
    text = render_markdown(report)
    tail = text.split("## Bibliography", 1)[1]
    assert "##" not in tail, "nothing comes after the bibliography"
    for sid in cited_sources(report):
        line = next(x for x in tail.splitlines() if x.startswith(f"- `{sid}`"))
        assert "<http" in line, line


def test_charts_use_names_and_keep_labels_apart(world):
    ents, claims = world
    report = attach_bibliography(build_report(ents, claims, dates=[("2025-06-01", "June")], elements=["Dy", "Nd"]),
                                 ents)
    rows = [r for r in report["concentration"] if str(r["element"]).startswith("all")]
    sources = {b["id"]: b for b in report["bibliography"]}
    fig = concentration_figure(rows, "Concentration", sources)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]
    assert not any(t.startswith(("country:", "firm:")) for t in texts), texts
    assert any(t.startswith("Source") and "USGS" in t for t in texts), "the chart names its source"
    assert overlapping_labels(fig) == []
    impacts = report["scenarios"][0]["impacts"]
    names = {r["consumer"]: r["consumer_name"] for r in report["spof"]}
    fig = shortfall_figure(impacts, "Shortfall", names, "note")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks and not any("@" in t or ":" in t for t in ticks), ticks
    assert overlapping_labels(fig) == []


@pytest.mark.parametrize("args", [
    ["analyze", "concentration", "--stage", "mining"],
    ["analyze", "spof", "--consumer", "US"],
    ["analyze", "chokepoints"],
    ["analyze", "scenario", "--restrict", "CN:Dy"],
    ["policies"],
    ["report", "-o", "report.md"],
])
def test_empty_graph_stops_every_analysis_with_one_line(tmp_path, monkeypatch, args):
    app = _app(tmp_path / "missing-home", monkeypatch)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "the graph is empty" in lines[0] and "rekg build" in lines[0], result.output
    assert not (tmp_path / "report.md").exists()
