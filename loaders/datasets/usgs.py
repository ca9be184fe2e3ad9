"""USGS Mineral Commodity Summaries data-release world tables → production and reserves claims.

Reads both layouts the releases have used for the world table:

- per-commodity files (MCS2024 and earlier): ``Source,Country,Type,Prod_t_est_2022,
  Prod_t_est_2023,Prod_notes,Reserves_t,Reserves_notes``;
- the combined ``MCS2025_World_Data.csv``: ``SOURCE,COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,
  PROD_EST_ 2024,PROD_NOTES,CAP_…,RESERVES_2024,RESERVE_NOTES`` (rows of other commodities
  are skipped; only ``Rare earths`` is read).

Each production cell becomes ``<country> PRODUCES material:reo`` (stage mining, basis
production, unit t REO, year from the column) and each reserves cell ``HAS_RESERVES``. The
edition's source comes from the companion ``.meta.yaml`` (``source``, optional
``edition_source``, ``data_years.reserves`` for a reserves column without a year).
"Other"/"Other countries" map to ``region:other-countries`` and "World total" to
``region:world``. Blank or ``NA`` cells are skipped (not available ≠ zero); ``W``
(withheld) is skipped and counted in the claim notes of nothing — it has no figure.
Footnote columns stay on the claims they qualify.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.errors import CleanError, DataError, RekgError
from kg.model import Batch, make_claim
from kg.types import clean_country
from loaders.datasets.meta import read_meta
from loaders.datasets.tabular import _rows

__all__ = ["is_usgs_world", "read_usgs_world"]

_PROD = re.compile(r"^prod(?:_t)?(_est)?_\s*(\d{4})$", re.IGNORECASE)
_RES = re.compile(r"^reserves(?:_t)?(?:_\s*(\d{4}))?$", re.IGNORECASE)
_MISSING = {"", "na", "n/a", "w", "--", "—", "xx"}


def is_usgs_world(header: list[str]) -> bool:
    cols = {h.strip().lower() for h in header}
    return {"source", "country", "type"} <= cols and any(_PROD.match(h.strip()) for h in header)


def _area(name: str, path: Path, line: int) -> str:
    key = name.strip().lower()
    if key.startswith("world total") or key == "world":
        return "region:world"
    if key in {"other", "other countries", "others"}:
        return "region:other-countries"
    try:
        return f"country:{clean_country(name, 'Country').iso2}"
    except CleanError as exc:
        raise DataError(f"{path}:{line}", f"column 'Country': expected {exc.expected}, got {name!r}") from None


def _number(text: str, column: str, path: Path, line: int) -> float | None:
    raw = text.strip().lstrip(">").replace(",", "")
    if raw.lower() in _MISSING:
        return None
    try:
        return float(raw)
    except ValueError:
        raise DataError(f"{path}:{line}", f"column {column!r}: expected a number, NA or W, got {text!r}") from None


def read_usgs_world(path: Path) -> Batch:
    meta = read_meta(path)
    header, rows = _rows(path)
    sources = [meta["source"]] + ([meta["edition_source"]] if meta.get("edition_source") else [])
    material = meta.get("material", "material:reo")
    edition = meta.get("edition", path.stem)
    reserves_year = (meta.get("data_years") or {}).get("reserves")
    cols = {h.lower(): h for h in header}
    prod_cols = [(h, m.group(2), bool(m.group(1))) for h in header if (m := _PROD.match(h.strip()))]
    res_cols = [(h, m.group(1) or reserves_year) for h in header if (m := _RES.match(h.strip()))]
    notes_prod = cols.get("prod_notes")
    notes_res = cols.get("reserve_notes") or cols.get("reserves_notes")
    batch = Batch(origin=str(path))
    for line, row in rows:
        commodity = row.get(cols.get("commodity", ""), "Rare earths")
        if commodity and commodity.strip().lower() != "rare earths":
            continue
        area = _area(row[cols["country"]], path, line)
        kind = (row.get(cols["type"]) or "").lower()
        unit_text = (row.get(cols.get("unit_meas", ""), "") or kind).lower()
        if "metric ton" not in unit_text:
            raise DataError(f"{path}:{line}", f"column 'UNIT_MEAS': expected metric tons, got {unit_text!r}")
        unit = "t REO" if "oxide" in kind else "t"
        try:
            for column, year, estimated in prod_cols:
                value = _number(row[column], column, path, line)
                if value is None:
                    continue
                note = "; ".join(filter(None, [
                    f"USGS {edition}" + (", estimated" if estimated else ""),
                    row.get(notes_prod, "") if notes_prod else "",
                ]))
                batch.claims.append(make_claim(
                    subject=area, predicate="PRODUCES", object=material, sources=sources, note=note,
                    properties={"stage": "mining", "basis": "production", "quantity": value,
                                "quantity_unit": unit, "year": int(year)}))
            for column, year in res_cols:
                value = _number(row[column], column, path, line)
                if value is None:
                    continue
                if not year:
                    raise DataError(str(path), f"column {column!r} has no year; set data_years.reserves "
                                               f"in {path.with_suffix('.meta.yaml').name}")
                note = "; ".join(filter(None, [f"USGS {edition}", row.get(notes_res, "") if notes_res else ""]))
                batch.claims.append(make_claim(
                    subject=area, predicate="HAS_RESERVES", object=material, sources=sources, note=note,
                    properties={"quantity": value, "quantity_unit": unit, "year": int(year)}))
        except CleanError as exc:
            raise DataError(f"{path}:{line}", f"column {exc.field!r}: expected {exc.expected}, got {exc.value!r}") from None
        except RekgError as exc:
            raise DataError(f"{path}:{line}", str(exc)) from None
    return batch
