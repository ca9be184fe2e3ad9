"""Source-specific layouts: USGS MCS world tables and UN Comtrade bulk CSV."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import DataError
from loaders.datasets import load_file
from tests.conftest import FIXTURES

LAYOUTS = FIXTURES / "layouts"


class TestUsgsWorld:
    def test_mcs2025_combined_layout(self) -> None:
        batch = load_file(LAYOUTS / "mcs-world-2025.csv")
        prod = {(c.subject, c.properties["year"]): c.properties["quantity"]
                for c in batch.claims if c.predicate == "PRODUCES"}
        assert prod[("country:CN", 2024)] == 270000
        assert prod[("country:MM", 2023)] == 43000          # "Burma"
        assert prod[("region:other-countries", 2023)] == 1000
        assert ("region:other-countries", 2024) not in prod  # W = withheld, not zero
        assert prod[("region:world", 2024)] == 301000
        assert not any(c.subject == "country:CL" for c in batch.claims)  # lithium row skipped
        reserves = {c.subject: c for c in batch.claims if c.predicate == "HAS_RESERVES"}
        assert "country:MM" not in reserves                  # NA
        assert reserves["region:world"].properties["quantity"] == 90_000_000
        assert "lower bound" in reserves["region:world"].note
        china = next(c for c in batch.claims if c.subject == "country:CN" and c.predicate == "PRODUCES")
        assert china.properties["quantity_unit"] == "t REO" and "Production quota" in china.note

    def test_mcs2024_layout_unknown_country(self) -> None:
        with pytest.raises(DataError, match=r"mcs-world-2024.csv:3: column 'Country': expected a country name .* got 'Atlantis'"):
            load_file(LAYOUTS / "mcs-world-2024.csv")

    def test_reserves_year_from_meta(self, tmp_path: Path) -> None:
        lines = (LAYOUTS / "mcs-world-2024.csv").read_text().splitlines()[:2]
        (tmp_path / "w.csv").write_text("\n".join(lines) + "\n")
        (tmp_path / "w.meta.yaml").write_text((LAYOUTS / "mcs-world-2024.meta.yaml").read_text())
        batch = load_file(tmp_path / "w.csv")
        res = [c for c in batch.claims if c.predicate == "HAS_RESERVES"]
        assert [(c.properties["year"], c.properties["quantity"]) for c in res] == [(2023, 1_800_000)]
        assert sorted(c.properties["year"] for c in batch.claims if c.predicate == "PRODUCES") == [2022, 2023]

    def test_needs_meta(self, tmp_path: Path) -> None:
        (tmp_path / "w.csv").write_text((LAYOUTS / "mcs-world-2025.csv").read_text())
        with pytest.raises(DataError, match=r"w.csv: needs a companion w.meta.yaml"):
            load_file(tmp_path / "w.csv")


class TestComtrade:
    def test_flows(self) -> None:
        batch = load_file(LAYOUTS / "comtrade.csv")
        flows = {(c.subject, c.object, c.properties["material"]): c for c in batch.claims}
        magnets = flows[("country:CN", "country:US", "material:permanent-magnets-hs850511")]
        assert magnets.properties["quantity"] == 1000 and magnets.properties["quantity_unit"] == "kg"
        assert magnets.properties["value"] == 50000 and magnets.properties["value_unit"] == "USD"
        assert "export as reported by CN" in magnets.note
        mirror = flows[("country:CN", "country:US", "material:re-compounds-hs2846")]
        assert "import as reported by US" in mirror.note and "value" not in mirror.properties
        assert ("country:CN", "region:world", "material:re-metals-hs280530") in flows

    def test_unmapped_hs_code(self) -> None:
        with pytest.raises(DataError, match=r"comtrade_bad.csv:2: column 'cmdCode': expected an HS code under"):
            load_file(LAYOUTS / "comtrade_bad.csv")
