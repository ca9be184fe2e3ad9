from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import CleanError
from kg.schema import load_schema
from kg.types import (
    ELEMENTS,
    clean_country,
    clean_date,
    clean_element,
    date_bounds,
    normalize_name,
)
from kg.valuetypes import clean_value


def spec(entity: str, prop: str):
    return load_schema().entity(entity).properties[prop]


class TestCleanCountry:
    @pytest.mark.parametrize("raw, iso2", [
        ("China", "CN"), ("PRC", "CN"), ("U.S.", "US"), ("America", "US"), ("USA", "US"),
        ("Burma", "MM"), ("Myanmar", "MM"), ("MMR", "MM"), ("viet nam", "VN"), ("Vietnam", "VN"),
        ("South Korea", "KR"), ("Russia", "RU"), ("UK", "GB"), ("de", "DE"),
    ])
    def test_names_and_codes(self, raw: str, iso2: str) -> None:
        assert clean_country(raw) == clean_country(iso2)
        assert clean_country(raw).iso2 == iso2
        assert not clean_country(raw).metonym

    def test_metonym_is_flagged(self) -> None:
        match = clean_country("Beijing")
        assert match.iso2 == "CN" and match.metonym

    def test_unknown(self) -> None:
        with pytest.raises(CleanError, match=r"field 'country': expected a country name or ISO 3166-1 code, got 'Atlantis'"):
            clean_country("Atlantis")


class TestCleanElement:
    def test_all_seventeen(self) -> None:
        assert len(ELEMENTS) == 17
        for symbol, (name, _) in ELEMENTS.items():
            assert clean_element(name.upper()) == symbol
            assert clean_element(symbol.lower()) == symbol

    def test_not_a_rare_earth(self) -> None:
        with pytest.raises(CleanError, match="one of the 17 REEs"):
            clean_element("iron")


class TestCleanDate:
    @pytest.mark.parametrize("raw", ["2025", "2025-04", "2025-04-04"])
    def test_precisions(self, raw: str) -> None:
        assert clean_date(raw) == raw

    @pytest.mark.parametrize("raw", ["04/04/2025", "2025-13", "2025-02-30", "soon", "25"])
    def test_bad(self, raw: str) -> None:
        with pytest.raises(CleanError, match="expected an ISO date"):
            clean_date(raw, "effective")

    def test_bounds(self) -> None:
        assert [d.isoformat() for d in date_bounds("2024")] == ["2024-01-01", "2024-12-31"]

    @given(st.dates(min_value=__import__("datetime").date(1900, 1, 1),
                    max_value=__import__("datetime").date(2100, 12, 31)))
    def test_roundtrip(self, day) -> None:
        assert clean_date(day.isoformat()) == day.isoformat()
        assert date_bounds(day.isoformat()) == (day, day)


class TestCleanValue:
    def test_list_and_enum(self) -> None:
        assert clean_value(spec("Facility", "stages"), "Mining|separation") == ["mining", "separation"]

    def test_enum_bad(self) -> None:
        with pytest.raises(CleanError, match=r"field 'status': expected one of operating, construction"):
            clean_value(spec("Facility", "status"), "running")

    def test_url(self) -> None:
        assert clean_value(spec("Source", "url"), " https://usgs.gov/x ") == "https://usgs.gov/x"
        with pytest.raises(CleanError, match="absolute http"):
            clean_value(spec("Source", "url"), "usgs.gov/x")

    def test_qid(self) -> None:
        with pytest.raises(CleanError, match="Wikidata id"):
            clean_value(spec("Element", "qid"), "1388")

    def test_fraction_rejects_percent(self) -> None:
        share = load_schema().relation("OWNS").properties["share"]
        assert clean_value(share, "0.69") == 0.69
        with pytest.raises(CleanError, match=r"0.69, not 69"):
            clean_value(share, "69")

    def test_integer(self) -> None:
        with pytest.raises(CleanError, match=r"expected an integer \(ASCII digits\), got .2024.5."):
            clean_value(spec("Element", "atomic_number"), "2024.5")


class TestNormalizeName:
    @given(st.text())
    def test_idempotent(self, text: str) -> None:
        assert normalize_name(normalize_name(text)) == normalize_name(text)

    def test_accents_and_case(self) -> None:
        assert normalize_name("ÉNERGIE  Fuels") == normalize_name("energie fuels")

    @given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
    def test_ascii_fast_path_is_the_full_fold(self, text: str) -> None:
        """ASCII skips NFKD and the combining-mark filter (a speed path): same result as the
        full fold on every string."""
        import re
        import unicodedata

        stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        assert normalize_name(text) == " ".join(re.sub(r"[^\w&+.]+", " ", stripped.casefold()).split())
        every_ascii = "".join(map(chr, range(128)))
        full = " ".join(re.sub(r"[^\w&+.]+", " ", every_ascii.casefold()).split())
        assert normalize_name(every_ascii) == full
