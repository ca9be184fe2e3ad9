"""Issue 13, defects 6 and 8: every value checked at the edge, every loader failure one
``FILE:LINE: …`` line and exit 2, and the store readable afterwards."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kg.errors import DataError
from loaders.articles.readers import read_articles
from loaders.datasets import load_file
from tests.conftest import FIXTURE_FILES, FIXTURES, rekg_bin

REL_HEADER = "subject,predicate,object,stage,basis,quantity,quantity_unit,year,source,confidence,valid_from,valid_to,note,quote\n"
FAC_HEADER = "id,name,stages,status,latitude,longitude,source\n"


def _rel(quantity: str = "100", year: str = "2024", confidence: str = "", valid_from: str = "") -> str:
    return (REL_HEADER + f"country:AU,PRODUCES,material:reo,mining,production,{quantity},t REO,{year},"
                         f"source:test-usgs,{confidence},{valid_from},,,\n")


def _fac(lat: str = "-28.9", lon: str = "122.5") -> str:
    return FAC_HEADER + f"facility:x,X mine,mining,operating,{lat},{lon},source:test-lynas\n"


BAD_ROWS = {
    "quantity NaN": _rel(quantity="NaN"),
    "quantity nan": _rel(quantity="nan"),
    "quantity inf": _rel(quantity="inf"),
    "quantity -Infinity": _rel(quantity="-Infinity"),
    "quantity 1e309": _rel(quantity="1e309"),
    "quantity negative": _rel(quantity="-5"),
    "quantity fullwidth digits": _rel(quantity="１２０"),
    "quantity Arabic-Indic digits": _rel(quantity="١٢٠"),
    "confidence above 1": _rel(confidence="1.5"),
    "confidence NaN": _rel(confidence="nan"),
    "year negative": _rel(year="-5"),
    "year 23 digits": _rel(year="12345678901234567890123"),
    "year far future": _rel(year="9999"),
    "year Devanagari digits": _rel(year="२०२४"),
    "date month 13": _rel(valid_from="2025-13-45"),
    "date February 30": _rel(valid_from="2025-02-30"),
    "date Arabic-Indic digits": _rel(valid_from="٢٠٢٥-٠١-٠١"),
    "date year 0001": _rel(valid_from="0001-01-01"),
    "latitude nan": _fac(lat="nan"),
    "latitude -inf": _fac(lat="-inf"),
    "latitude 91": _fac(lat="91"),
    "longitude 500": _fac(lon="500"),
    "unterminated quote": _rel() + 'country:CN,PRODUCES,material:reo,mining,production,5,t REO,2024,source:test-usgs,,,,"cut off',
    "short row": _rel() + "country:CN,PRODUCES,material:reo\n",
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_value_refused_with_file_and_line(case: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(BAD_ROWS[case], encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_file(path)
    assert info.value.location.startswith(f"{path}:"), info.value


ENCODINGS = {
    "utf-7": "id,name,source\nfirm:x,Soci+AOk-t+AOk- G+AOk-n+AOk-rale,source:test-lynas\n".encode("ascii"),
    "latin-1 bytes": "id,name,source\nfirm:x,Société,source:test-lynas\n".encode("latin-1"),
    "latin-1 mojibake": "id,name,source\nfirm:x,Société,source:test-lynas\n".encode().decode("latin-1").encode(),
    "windows-1252 in C1 range": "id,name,source\nfirm:x,It\x92s,source:test-lynas\n".encode(),
}


@pytest.mark.parametrize("case", sorted(ENCODINGS))
def test_misencoded_file_refused(case: str, tmp_path: Path) -> None:
    path = tmp_path / "firms.csv"
    path.write_bytes(ENCODINGS[case])
    with pytest.raises(DataError, match=r"UTF-7|UTF-8|Latin-1|Windows-1252"):
        load_file(path)


@pytest.mark.parametrize("date", ["2025-13-45", "2025-02-30", "2025-00-10"])
def test_unquoted_yaml_dates_refused(date: str, tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("- id: source:a\n  url: https://e.org/a\n  title: A\n  kind: dataset\n"
                    "  published: 2024-01-01\n"
                    f"- id: source:b\n  url: https://e.org/b\n  title: B\n  kind: dataset\n  published: {date}\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match=r"no month 13, no February 30|ISO date") as info:
        load_file(path)
    assert info.value.location.startswith(f"{path}:6"), info.value  # the second item's line
    header = tmp_path / "a.md"
    header.write_text(f"---\nurl: https://e.org/n\npublished: {date}\n---\nLynas said things.\n", encoding="utf-8")
    with pytest.raises(DataError, match="published"):
        read_articles(header)


def test_deeply_nested_yaml_and_jsonl(tmp_path: Path) -> None:
    yaml_path = tmp_path / "sources.yaml"
    yaml_path.write_text("[" * 20000 + "]" * 20000, encoding="utf-8")
    with pytest.raises(DataError):
        load_file(yaml_path)
    jsonl = tmp_path / "feed.jsonl"
    jsonl.write_text('{"text": ' + "[" * 200000 + "]" * 200000 + "}\n", encoding="utf-8")
    with pytest.raises(DataError, match="nested too deeply"):
        read_articles(jsonl)


def test_feed_date_is_not_rolled_over(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    entry = ("<entry><title>{t}</title><link href='https://e.org/{t}'/><id>{t}</id>"
             "<updated>{d}</updated><summary>Lynas Rare Earths said it produced oxide.</summary></entry>")
    feed.write_text("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><title>F</title>"
                    + entry.format(t="bad", d="2025-13-45T00:00:00Z")
                    + entry.format(t="good", d="2025-05-16T00:00:00Z") + "</feed>", encoding="utf-8")
    result = read_articles(feed)
    assert [a.published for a in result.articles] == ["2025-05-16"]
    assert "2025-13-45" in result.skipped[0]["reason"]


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([rekg_bin(), *args], env=env, capture_output=True, text=True, timeout=300)


def test_cli_refuses_nan_and_store_stays_readable(rekg_env: dict[str, str], tmp_path: Path) -> None:
    assert _run(rekg_env, "load", *[str(FIXTURES / f) for f in FIXTURE_FILES]).returncode == 0
    before = json.loads(_run(rekg_env, "stats", "--json").stdout)
    for name, text in (("nan.csv", BAD_ROWS["quantity NaN"]), ("date.csv", BAD_ROWS["date month 13"])):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out = _run(rekg_env, "load", str(path))
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert f"{path}:2" in out.stderr
    sources = tmp_path / "sources.yaml"
    sources.write_text("- id: source:z\n  url: https://e.org/z\n  title: Z\n  kind: dataset\n  published: 2025-02-30\n")
    out = _run(rekg_env, "load", str(sources))
    assert out.returncode == 2 and "Traceback" not in out.stderr and f"{sources}:1" in out.stderr, out.stderr
    stats = _run(rekg_env, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout) == before
