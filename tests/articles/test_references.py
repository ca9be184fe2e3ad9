"""Issue 14: mentions and relations real news uses (against the graph of data/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.articles import Article, Gazetteer, extract_article, read_articles
from loaders.articles.readers import unwrap_paragraphs


def extract(gaz: Gazetteer, text: str, published: str | None = "2025-11-14"):  # type: ignore[no-untyped-def]
    return extract_article(Article(text=text, where="t", url="https://example.org/a", title="t",
                                   published=published), gaz)


def triples(x) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(r.subject, r.predicate, r.object) for r in x.relations if r.confidence >= 0.5}


class TestMentions:
    def test_groups_and_regions(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Europe relies on China for rare earths, light and heavy rare earths alike, "
                         "and for medium- and heavy rare earth elements.")
        assert {"region:eu", "country:CN", "material:rare-earths", "material:light-rare-earths",
                "material:heavy-rare-earths", "material:medium-heavy-rare-earths"} <= set(x.entity_ids())

    def test_group_word_inside_a_firm_name_is_the_firms(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Lynas Rare Earths Ltd said output rose.")
        assert x.entity_ids() == ["firm:lynas"]

    def test_number_lists_and_ranges(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "MOFCOM suspended Announcements Nos. 55, 56, 57 and 58 of 2025; "
                         "Announcements 61 and 62 followed.")
        assert {f"policy:cn-mofcom-2025-{n}" for n in (55, 56, 57, 58, 61, 62)} <= set(x.entity_ids())

    def test_executive_order_by_number(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "E.O. 14272 ordered an investigation.", published="2025-04-20")
        assert "policy:us-2025-eo-14272" in x.entity_ids()

    def test_policy_described_by_date(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The drop follows restrictions introduced in April, when Beijing imposed "
                         "curbs on exports of seven rare earths.", published="2025-06-20")
        assert "policy:cn-mofcom-2025-18" in x.entity_ids()
        assert ("policy:cn-mofcom-2025-18", "ISSUED_BY", "country:CN") in triples(x)

    def test_facility_described_by_owner_place_stage(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Lynas Rare Earths produced dysprosium oxide at its plant in Malaysia.")
        assert "facility:lynas-malaysia" in x.entity_ids()
        assert {("firm:lynas", "OPERATES", "facility:lynas-malaysia"),
                ("facility:lynas-malaysia", "LOCATED_IN", "country:MY")} <= triples(x)

    def test_the_company_and_the_ministry(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "MP Materials reported results. The company operates Mountain Pass. "
                         "China's Ministry of Commerce spoke. The ministry said more licences follow.")
        anaphors = {(m.text, m.id) for m in x.mentions if m.flag == "anaphor"}
        assert ("The company", "firm:mp-materials") in anaphors
        assert ("The ministry", "firm:cn-mofcom") in anaphors


class TestCandidates:
    def test_names_by_form_and_cue(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Debt came from Export Development Canada (EDC), according to Reuters. "
                         "The European Association of Automotive Suppliers said lines stopped. "
                         "Suppliers of General Motors, Ford and Stellantis got licences.")
        names = {(c.type, c.name) for c in x.candidates}
        assert {("Firm", "Export Development Canada"), ("Firm", "Reuters"),
                ("Firm", "European Association of Automotive Suppliers"),
                ("Firm", "Stellantis")} <= names
        assert "country:CA" not in x.entity_ids()  # nested in the name

    def test_alias_lookup_before_candidate(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Shares of Lynas Rare Earths Limited rose.")
        assert "firm:lynas" in x.entity_ids() and not x.candidates


class TestRelations:
    def test_hq_and_feeds(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Australia's Lynas Rare Earths runs Lynas Malaysia. "
                         "Lynas Malaysia processes concentrate from the Mt Weld mine.")
        assert {("firm:lynas", "HEADQUARTERED_IN", "country:AU"),
                ("facility:mount-weld", "FEEDS", "facility:lynas-malaysia")} <= triples(x)

    def test_conditional_is_below_the_operating_point(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Lynas would supply Japan under a non-binding memorandum of understanding.")
        assert not triples(x)

    def test_attributive_issuers_share_a_list(self, gaz: Gazetteer) -> None:
        x = extract(gaz, 'The Ministry of Commerce ("MOFCOM") and the General Administration of '
                         "Customs Announcements 55 and 56 were suspended.")
        assert {("policy:cn-mofcom-2025-55", "ISSUED_BY", "firm:cn-mofcom"),
                ("policy:cn-mofcom-2025-56", "ISSUED_BY", "firm:cn-gacc")} <= triples(x)


    def test_known_operator_by_position(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Solvay has inaugurated its rare earths line at the La Rochelle facility.")
        assert ("firm:solvay", "OPERATES", "facility:solvay-la-rochelle") in triples(x)
        # owning or funding is not running it
        x = extract(gaz, "Pentagon will take a stake in MP Materials and fund an expansion at Mountain Pass.")
        assert ("firm:mp-materials", "OPERATES", "facility:mountain-pass") not in triples(x)

    def test_policy_pointed_back_at_by_a_leading_phrase(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "On April 4, 2025, China issued Announcement No. 18 of 2025. According to the "
                         "announcement, the controls cover seven items: samarium, gadolinium and terbium.")
        assert {("policy:cn-mofcom-2025-18", "TARGETS", f"element:{e}") for e in ("Sm", "Gd", "Tb")} <= triples(x)

    def test_described_facility_picked_by_the_firm_of_the_sentence(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Lynas says it signed a contract with the Pentagon for initial design work for a "
                         "heavy rare earth separation facility in Texas. The facility will process heavy rare "
                         "earths sourced from Lynas' flagship Mt Weld mine.")
        assert "facility:lynas-seadrift" in x.entity_ids()
        assert ("facility:mount-weld", "FEEDS", "facility:lynas-seadrift") in triples(x)
        assert ("firm:lynas", "SUPPLIES", "facility:lynas-seadrift") not in triples(x)


    def test_agreement_parties_named_through_leaders(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "President Donald Trump and Australian Prime Minister Anthony Albanese signed a "
                         "critical minerals and rare earths framework on Monday. The framework aims to cut US "
                         "dependence on China for rare earths.", published="2025-10-21")
        got = triples(x)
        assert {("policy:us-au-2025-framework", "AFFECTS", "country:AU"),
                ("policy:us-au-2025-framework", "AFFECTS", "country:US")} <= got
        assert ("policy:us-au-2025-framework", "ISSUED_BY", "country:AU") not in got
        assert ("policy:us-au-2025-framework", "AFFECTS", "country:CN") not in got


class TestReading:
    def test_hard_wrapped_paragraphs_are_joined(self) -> None:
        text = ("Headline\n\nMalaysia will develop a policy to ban exports of rare\n"
                "earth raw materials, Prime Minister Anwar Ibrahim said on\nMonday in parliament.\n")
        assert "rare earth raw materials" in unwrap_paragraphs(text)
        assert unwrap_paragraphs(text).startswith("Headline\n\n")

    def test_bullets_stay_lines(self) -> None:
        text = "Highlights\n- one item that is fairly long\n- another item that is long too\n"
        assert unwrap_paragraphs(text) == text

    @pytest.mark.parametrize("folder", ["dev3", "dev4", "heldout3"])
    def test_evaluation_files_read(self, folder: str) -> None:
        here = Path(__file__).parent / folder
        for path in sorted(here.iterdir()):
            (article,) = read_articles(path).articles
            assert article.text.strip(), path
