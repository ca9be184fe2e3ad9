"""The CLI commands and the report on a small store built from the hand-made world."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg.analysis.report import build_report, render_html, render_markdown
from kg.model import Batch
from kg.store.memory import MemoryStore


@pytest.fixture
def app(world, tmp_path, monkeypatch):
    monkeypatch.setenv("REKG_HOME", str(tmp_path))
    monkeypatch.delenv("REKG_NEO4J_URI", raising=False)
    ents, claims = world
    MemoryStore(tmp_path / "graph.json").replace_all(Batch(entities=ents, claims=claims))
    from kg.cli import app

    return app


def run(app, *args):
    result = CliRunner().invoke(app, list(args))
    return result


class TestCLI:
    def test_concentration_json(self, app):
        r = run(app, "analyze", "concentration", "--stage", "mining", "--json")
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        assert {"stage", "element", "year", "by", "unit", "total", "hhi", "shares",
                "sources"} <= set(data)
        assert data["shares"][0]["id"] == "country:CN"

    def test_concentration_plot(self, app, tmp_path):
        out = tmp_path / "c.svg"
        r = run(app, "analyze", "concentration", "--stage", "mining", "--plot", str(out))
        assert r.exit_code == 0, r.output
        assert out.read_text().startswith("<?xml")

    def test_bad_stage_exits_2(self, app):
        r = run(app, "analyze", "concentration", "--stage", "smelting")
        assert r.exit_code == 2 and "'stage'" in r.output and "smelting" in r.output

    def test_spof_json(self, app):
        r = run(app, "analyze", "spof", "--consumer", "firm:gm", "--element", "Nd",
                "--as-of", "2025-06-01", "--json")
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        assert data["consumer"] == "firm:gm" and data["as_of"] == "2025-06-01"
        assert [p["id"] for p in data["single_points"]] == [
            "facility:mt-weld@mining", "facility:lynas-my@separation"]
        assert data["single_points"][0]["evidence"]
        assert {p["id"] for p in data["critical"]} >= {"facility:lynas-my", "country:MY"}
        assert data["unit"] == "t Nd2O3-equivalent (oxide basis)"

    def test_scenario_json_and_plot(self, app, tmp_path):
        out = tmp_path / "s.png"
        r = run(app, "analyze", "scenario", "--restrict", "CN:Dy", "--as-of", "2025-06-01",
                "--plot", str(out), "--json")
        assert r.exit_code == 0, r.output
        data = json.loads(r.stdout)
        assert data["scenario"]["restrictions"][0]["country"] == "country:CN"
        assert {"consumer", "before", "after", "shortfall"} <= set(data["impacts"][0])
        assert out.stat().st_size > 0

    def test_chokepoints_json(self, app):
        r = run(app, "analyze", "chokepoints", "--top", "3", "--as-of", "2025-06-01", "--json")
        assert r.exit_code == 0, r.output
        assert len(json.loads(r.stdout)["chokepoints"]) == 3

    def test_policies_json(self, app):
        r = run(app, "policies", "--as-of", "2025-11-10", "--json")
        assert r.exit_code == 0, r.output
        status = {p["id"]: p["status"] for p in json.loads(r.stdout)["policies"]}
        assert status == {"policy:cn-2025-18": "in force", "policy:cn-2025-57": "suspended"}

    def test_report_files(self, app, tmp_path):
        md, page = tmp_path / "r.md", tmp_path / "r.html"
        assert run(app, "report", "-o", str(md)).exit_code == 0
        assert run(app, "report", "-o", str(page)).exit_code == 0
        assert md.read_text().startswith("# rekg")
        assert page.read_text().startswith("<!doctype html>")
        assert run(app, "report", "-o", str(tmp_path / "r.pdf")).exit_code == 2


class TestReport:
    def test_sections_name_sources_and_dates(self, world):
        report = build_report(*world, dates=[("2025-06-01", "June")], elements=["Dy", "Nd"])
        (scen,) = report["scenarios"]
        assert scen["as_of"] == "2025-06-01" and scen["sources"]
        assert any(i["element"] == "Dy" and i["shortfall_share"] for i in scen["impacts"])
        assert all(r["sources"] for r in report["concentration"])
        text = render_markdown(report)
        assert "policy:cn-2025-18" in text and "source:usgs" in text
        assert "t Dy2O3-equivalent (oxide basis)" in text
        assert "<table>" in render_html(report)

    def test_headline_seed_and_informative_spof_rows(self, world):
        report = build_report(*world, dates=[("2025-04-04", "April"), ("2025-11-10", "Nov")],
                              elements=["Dy", "Nd"])
        heads = {(h["as_of"], h["consumer"], h["element"]): h for h in report["headline"]}
        us = heads[("2025-04-04", "country:US@magnet-users", "Dy")]
        assert us["before"] > 0 and us["after"] == 0 and us["unit"].startswith("t Dy2O3")
        seed = report["seed"]
        assert seed["as_of"] == "2025-11-10" and seed["consumer"] == "country:US@magnet-users"
        dy = next(e for e in seed["elements"] if e["element"] == "Dy")
        assert dy["rests_on_baseline"][0]["id"] == "country:CN"
        assert dy["rests_on_baseline"][0]["sources"]
        text = render_markdown(report)
        assert "Where is the US still exposed" in text
        rows = [ln for ln in text.splitlines() if ln.startswith("| 2025-") and "| baseline |" in ln]
        assert rows and all("none | none" not in ln or "| 1 |" in ln or "| 2 |" in ln
                            or "| 0 |" in ln for ln in rows)

    def test_element_concentration(self, world):
        report = build_report(*world, dates=[("2025-06-01", "June")], elements=["Dy"])
        mining = next(r for r in report["element_concentration"] if r["stage"] == "mining")
        assert mining["shares"][0]["id"] == "country:CN"
        assert mining["shares"][0]["share"] == pytest.approx(2.916 / 3.026, rel=1e-3)
        assert mining["unit"] == "t Dy2O3-equivalent (oxide basis)"
