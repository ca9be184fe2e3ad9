"""Issue 14, round 4: generic ways news names materials and policies (against the graph of data/)."""

from __future__ import annotations

from loaders.articles import Gazetteer
from loaders.articles.gazetteer import material_forms
from tests.articles.test_references import extract, triples


def _ids(gaz: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.id) for m in extract(gaz, text).mentions]


class TestMaterialForms:
    def test_variants_of_names(self) -> None:
        forms = set(f.lower() for f in material_forms(["Separated rare-earth oxides", "NdPr oxide", "neodymium-praseodymium oxide",
                                    "Mixed rare-earth concentrate", "NdFeB magnet alloy", "HREE ionic clay",
                                    "rare-earth compounds and metals"]))  # (the matcher is case-free)
        assert {"separated oxides", "separated rare earth oxides", "ndpr oxides",
                "neodymium praseodymium oxide", "neodymium-praseodymium (ndpr) oxide", "rare-earth concentrate",
                "rare earth concentrates", "magnet alloy"} <= forms
        # an all-capitals abbreviation is not a formula; a coordinated name gets no variants
        assert "ionic clay" not in forms and "rare earth compounds and metals" not in forms
        assert all(len(f.split()) >= 2 for f in forms)

    def test_plurals_hyphens_and_short_forms_in_text(self, gaz: Gazetteer) -> None:
        assert _ids(gaz, "The plant makes separated oxides and NdPr oxides.") == [
            ("separated oxides", "material:separated-reo"), ("NdPr oxides", "material:ndpr-oxide")]
        assert _ids(gaz, "It will produce rare-earth oxides and magnet alloy.") == [
            ("rare-earth oxides", "material:separated-reo"), ("magnet alloy", "material:ndfeb-alloy")]
        assert ("Neodymium-praseodymium (NdPr) oxide", "material:ndpr-oxide") in \
            _ids(gaz, "Neodymium-praseodymium (NdPr) oxide prices rose.")
        assert ("rare earth concentrate", "material:mixed-re-concentrate") in \
            _ids(gaz, "Arafura will ship rare earth concentrate from Nolans.")

    def test_technologies_are_the_controlled_material_and_still_describe_the_policy(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "China's Ministry of Commerce imposed export controls on rare earth-related technologies "
                         "on October 9.", published="2025-10-10")
        assert "material:ree-processing-technology" in x.entity_ids()
        assert ("policy:cn-mofcom-2025-62", "TARGETS", "material:ree-processing-technology") in triples(x)
