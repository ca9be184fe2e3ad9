"""UN Comtrade (Comtrade+) bulk/API CSV → ``EXPORTS_TO`` claims.

Columns read: ``refYear`` (or ``period``), ``reporterISO``, ``partnerISO``, ``flowCode``
(``X`` export, ``M`` import, re-exports/re-imports ``RX``/``RM``), ``cmdCode``,
``netWgt`` (kg) and ``primaryValue`` (US$). Every other column is ignored.

- An export row is ``reporter EXPORTS_TO partner`` as the exporter reported it; an import
  row is ``partner EXPORTS_TO reporter`` as the importer reported it (the note says which:
  mirror statistics rarely agree, so both are kept as separate claims).
- The HS code names the material through :data:`HS_MATERIALS` (longest prefix wins); rows
  of other codes are an error, so a file of the wrong commodity is not half-read.
- ``W00`` (World) maps to ``region:world``; other codes go through pycountry (alpha-3).
- The companion ``.meta.yaml`` names the ``source`` (the Comtrade query or bulk file).
"""

from __future__ import annotations

from pathlib import Path

import pycountry

from kg.errors import CleanError, DataError, RekgError
from kg.model import Batch, make_claim
from loaders.datasets.meta import read_meta
from loaders.datasets.tabular import _rows

__all__ = ["HS_MATERIALS", "is_comtrade", "read_comtrade"]

#: HS code prefix → material id. Codes as in HS 2017/2022.
HS_MATERIALS: dict[str, str] = {
    "280530": "material:re-metals-hs280530",  # rare-earth metals, scandium and yttrium
    "2846": "material:re-compounds-hs2846",   # compounds of rare-earth metals, Y, Sc
    "850511": "material:permanent-magnets-hs850511",  # permanent magnets of metal
}
_AGGREGATES = {"W00": "region:world"}
_FLOWS = {"X": "export", "RX": "re-export", "M": "import", "RM": "re-import"}


def is_comtrade(header: list[str]) -> bool:
    return {"reporterISO", "partnerISO", "flowCode", "cmdCode"} <= set(header)


def _area(code: str, column: str, where: str) -> str:
    code = code.strip().upper()
    if code in _AGGREGATES:
        return _AGGREGATES[code]
    country = pycountry.countries.get(alpha_3=code) or pycountry.countries.get(alpha_2=code)
    if country is None:
        raise DataError(where, f"column {column!r}: expected an ISO 3166-1 alpha-3 code or W00, got {code!r}")
    return f"country:{country.alpha_2}"


def _material(hs: str, where: str) -> str:
    digits = hs.strip().replace(".", "")
    for prefix in sorted(HS_MATERIALS, key=len, reverse=True):
        if digits.startswith(prefix):
            return HS_MATERIALS[prefix]
    raise DataError(where, f"column 'cmdCode': expected an HS code under {', '.join(HS_MATERIALS)}, got {hs!r}")


def _float(text: str, column: str, where: str) -> float | None:
    text = text.strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise DataError(where, f"column {column!r}: expected a number, got {text!r}") from None


def read_comtrade(path: Path) -> Batch:
    meta = read_meta(path)
    _, rows = _rows(path)
    batch = Batch(origin=str(path))
    for line, row in rows:
        where = f"{path}:{line}"
        flow = row["flowCode"].strip().upper()
        if flow not in _FLOWS:
            raise DataError(where, f"column 'flowCode': expected one of {', '.join(_FLOWS)}, got {flow!r}")
        reporter = _area(row["reporterISO"], "reporterISO", where)
        partner = _area(row["partnerISO"], "partnerISO", where)
        if reporter == partner:
            continue
        year_text = (row.get("refYear") or row.get("period") or "")[:4]
        if not year_text.isdigit():
            raise DataError(where, f"column 'refYear': expected a year, got {year_text!r}")
        exporter, importer = (reporter, partner) if flow in {"X", "RX"} else (partner, reporter)
        props: dict[str, object] = {"material": _material(row["cmdCode"], where), "hs_code": row["cmdCode"].strip(),
                                    "year": int(year_text)}
        weight = _float(row.get("netWgt", ""), "netWgt", where)
        value = _float(row.get("primaryValue", ""), "primaryValue", where)
        if weight is not None:
            props |= {"quantity": weight, "quantity_unit": "kg"}
        if value is not None:
            props |= {"value": value, "value_unit": "USD"}
        try:
            batch.claims.append(make_claim(
                subject=exporter, predicate="EXPORTS_TO", object=importer, properties=props,
                sources=[meta["source"]],
                note=f"UN Comtrade {_FLOWS[flow]} as reported by {reporter.split(':')[1]}"))
        except CleanError as exc:
            raise DataError(where, f"column {exc.field!r}: expected {exc.expected}, got {exc.value!r}") from None
        except RekgError as exc:
            raise DataError(where, str(exc)) from None
    return batch
