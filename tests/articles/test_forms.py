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


class TestPolicyForms:
    def test_floor_price_and_a_purchase_of_all_output_name_the_deals(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The Defense Department sets a ten-year floor price of $110 per kilogram for MP Materials' "
                         "NdPr products. For ten years the Defense Department will buy all the magnets from "
                         "MP Materials' planned 10X plant.", published="2025-07-20")
        assert {"policy:us-dod-2025-mp-ndpr-price-floor", "policy:us-dod-2025-mp-10x-offtake"} <= set(x.entity_ids())
        # a mention only: the dev gold does not annotate these deals' issuer and beneficiary
        assert not {t for t in triples(x) if t[0].startswith("policy:")}

    def test_parties_in_the_sentence_before_or_the_beneficiary_alone(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "MP Materials announced a partnership with the U.S. Department of Defense. "
                         "The agreement includes a 10-year magnet offtake agreement.", published="2025-07-20")
        assert "policy:us-dod-2025-mp-10x-offtake" in x.entity_ids()
        x = extract(gaz, "One key component is a price floor of $110 per kilogram for MP Materials' NdPr products.",
                    published="2025-07-20")
        assert "policy:us-dod-2025-mp-ndpr-price-floor" in x.entity_ids()
        # a loan needs its lender in view: the beneficiary alone does not pick one
        x = extract(gaz, "MP Materials expects to receive a $150 million loan.", published="2025-07-20")
        assert not [m for m in x.mentions if m.type == "Policy"]

    def test_a_date_that_fits_no_policy_is_the_statements(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Malaysia will ban exports of rare earth raw materials, the minister said on Tuesday.",
                    published="2023-10-24")
        assert "policy:my-2024-raw-ree-export-ban" in x.entity_ids()

    def test_the_one_law_of_an_issuer(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "A new EU law has set targets to mine 10% and recycle 25% of the bloc's critical minerals "
                         "needs.", published="2024-08-01")
        assert "policy:eu-2024-1252-crma" in x.entity_ids()
        # an issuer with several regulations: no guess
        x = extract(gaz, "A new Chinese regulation took effect.", published="2025-08-01")
        assert not [m for m in x.mentions if m.type == "Policy"]


class TestMoreMaterialForms:
    def test_permanent_magnets_and_shared_heads(self, gaz: Gazetteer) -> None:
        assert _ids(gaz, "NdFeB permanent magnets and samarium-cobalt permanent magnets.") == [
            ("NdFeB permanent magnets", "material:ndfeb-magnet"),
            ("samarium-cobalt permanent magnets", "material:smco-magnet")]
        assert _ids(gaz, "It makes dysprosium and terbium oxides and samarium, dysprosium and terbium metals.") == [
            ("dysprosium", "material:dy-oxide"), ("terbium oxides", "material:tb-oxide"),
            ("samarium", "material:sm-metal"), ("dysprosium", "material:dy-metal"),
            ("terbium metals", "material:tb-metal")]
        # without the shared head the elements stay elements
        assert _ids(gaz, "Exports of dysprosium and terbium fell.") == [
            ("dysprosium", "element:Dy"), ("terbium", "element:Tb")]

    def test_an_issuers_one_stockpile(self, gaz: Gazetteer) -> None:
        assert "policy:au-2025-critical-minerals-strategic-reserve" in \
            extract(gaz, "Australia's strategic reserve will hold rare earths.", published="2025-12-01").entity_ids()


class TestSpellingsLicencesAndOffices:
    def test_american_spelling_of_a_british_name_and_general_licences(self, gaz: Gazetteer) -> None:
        assert ("general licenses for rare earth exports", "policy:cn-mofcom-2025-general-licences") in \
            _ids(gaz, "China said it would issue general licenses for rare earth exports.")
        assert ("general licences", "policy:cn-mofcom-2025-general-licences") in \
            _ids(gaz, "MOFCOM said it will grant general licences to European firms.")

    def test_the_white_house_acting_is_an_organisation_not_the_venue(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The White House described the agreement as a framework.")
        assert [c.name for c in x.candidates] == ["White House"]
        x = extract(gaz, "The two leaders signed an agreement at the White House on Monday.")
        assert not x.candidates

    def test_government_bodies_and_analysts_by_their_head(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "India's Union Cabinet approved the scheme on Wednesday.")
        assert [c.name for c in x.candidates] == ["Union Cabinet"]
        x = extract(gaz, "Analysts at Adamas Intelligence expect demand to double.")
        assert [c.name for c in x.candidates] == ["Adamas Intelligence"]

    def test_more_heads_for_facilities_and_policies(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The Kvanefjeld Deposit is in review.")
        assert [(c.type, c.name) for c in x.candidates] == [("Facility", "Kvanefjeld Deposit")]
        x = extract(gaz, "The Production Linked Incentive was launched.")
        assert [(c.type, c.name) for c in x.candidates] == [("Policy", "Production Linked Incentive")]

    def test_a_labelled_notice_field_is_read_as_a_name(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "[Issuing Unit] National Security and Control Bureau\n[Issuing Date] October 9, 2025\n")
        assert [(c.type, c.name) for c in x.candidates] == [("Firm", "National Security and Control Bureau")]

    def test_an_organisation_before_a_title_and_a_person(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Benchmark's chief executive Simon Moores said prices would rise.")
        assert [(c.type, c.name) for c in x.candidates] == [("Firm", "Benchmark")]
        assert not extract(gaz, "Former chief executive John Smith left.").candidates

    def test_ministries_with_comma_lists(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Japan's Ministry of Economy, Trade and Industry said it would fund the plant.")
        assert "firm:jp-meti" in x.entity_ids() and not x.candidates
        x = extract(gaz, "Australia's Department of Industry, Science and Resources said the plan was on track.")
        assert [c.name for c in x.candidates] == ["Department of Industry, Science and Resources"]

    def test_an_apposition_naming_the_kind(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "AlixPartners, a consultancy, estimated the losses.")
        assert [(c.type, c.name) for c in x.candidates] == [("Firm", "AlixPartners")]
        # a place before the apposition is not an organisation
        assert not extract(gaz, "In Texas, a US company builds magnets.").candidates

    def test_a_body_abroad_keeps_its_place(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The European Chamber of Commerce in China said members were short of magnets.")
        assert [c.name for c in x.candidates] == ["European Chamber of Commerce in China"]
        assert "country:CN" not in x.entity_ids()  # part of the name

    def test_a_firm_named_rare_earth(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Jiangxi Rare Earth signed a deal.")
        assert [c.name for c in x.candidates] == ["Jiangxi Rare Earth"]
        assert not extract(gaz, "Rare Earth prices rose.").candidates


class TestFacilityPrefixes:
    """A capitalised run that starts with the first two words of a facility's longer name is
    that facility ("Phoenix Tailings Exeter facility") — unless it is two firms joined."""

    def test_two_firms_joined_are_not_a_facility(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Phoenix Tailings and Energy Fuels signed a supply deal.")
        assert x.entity_ids() == ["firm:energy-fuels", "firm:phoenix-tailings"]
        x = extract(gaz, "Noveon Magnetics and MP Materials signed a deal.")
        assert x.entity_ids() == ["firm:mp-materials", "firm:noveon"]

    def test_a_graph_firm_and_an_unknown_name_are_not_a_facility(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Phoenix Tailings and Acme Magnets signed a supply deal.")
        assert x.entity_ids() == ["firm:phoenix-tailings"]
        assert [c.name for c in x.candidates] == ["Acme Magnets"]

    def test_the_longer_name_still_names_the_facility(self, gaz: Gazetteer) -> None:
        assert extract(gaz, "The Phoenix Tailings Exeter Facility opened.").entity_ids() == ["facility:phoenix-exeter"]
        assert extract(gaz, "Mountain Pass Rare Earth Mine and Processing Facility is in California.") \
            .entity_ids() == ["facility:mountain-pass"]


class TestRound5Names:
    """Issue 14, round 5 (written from dev4 errors, the former heldout2)."""

    def test_a_place_before_the_name_is_not_part_of_it(self, gaz: Gazetteer) -> None:
        for text, name in (("Minnesota-based PolarStar Magnetics makes magnets.", "PolarStar Magnetics"),
                           ("The buyer, China-based Jinan Yuxiao Group, declined to comment.", "Jinan Yuxiao Group"),
                           ("The firm is backed by Denham Capital and the UK's Vision Blue Resources Ltd, it said.",
                            "Vision Blue Resources Ltd")):
            names = [c.name for c in extract(gaz, text).candidates]
            assert name in names, (text, names)
            assert not any(n != name and n.endswith(name) for n in names), names


class TestFunds:
    """FUNDS from the sentence that says who gives money to whom (issue 14, round 5)."""

    def test_lend_to_and_a_loan_from(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The Australian government will lend a further A$400 million to Iluka Resources.",
                    published="2024-12-20")
        (hit,) = [r for r in x.relations if r.predicate == "FUNDS"]
        assert (hit.subject, hit.object) == ("country:AU", "firm:iluka")
        assert hit.properties == {"funding_instrument": "loan", "amount": 400e6, "amount_unit": "AUD"}
        x = extract(gaz, "Ucore Rare Metals secured a $18.4 million grant from the U.S. Department of Defense.")
        assert ("firm:us-dod", "FUNDS", "firm:ucore") in triples(x)

    def test_equity_bought_and_a_list_item_about_the_firm(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The Department of Defense agreed to buy $400 million of MP Materials preferred stock.")
        assert ("firm:us-dod", "FUNDS", "firm:mp-materials") in triples(x)
        x = extract(gaz, "MP Materials signed agreements with the DoD.\n\nKey funding components:\n"
                         "- A committed financing facility of at least $1 billion from JPMorgan and Goldman Sachs.\n")
        assert {("firm:jpmorgan", "FUNDS", "firm:mp-materials"),
                ("firm:goldman-sachs", "FUNDS", "firm:mp-materials")} <= set(triples(x))

    def test_hedged_or_unrelated_money_is_not_funding(self, gaz: Gazetteer) -> None:
        assert not [t for t in triples(extract(gaz, "Export Finance Australia could lend $100 million to Arafura."))
                    if t[1] == "FUNDS"]
        assert not [t for t in triples(extract(gaz, "Lynas shares fell after MP Materials raised $500 million."))
                    if t[1] == "FUNDS"]

    def test_funds_claims_validate_against_the_schema(self, gaz: Gazetteer) -> None:
        from loaders.articles import article_batch

        x = extract(gaz, "The Office of Strategic Capital will lend $620 million to Vulcan Elements.")
        batch = article_batch(x)
        (claim,) = [c for c in batch.claims if c.predicate == "FUNDS"]
        assert claim.properties["funding_instrument"] == "loan"

    def test_a_firm_named_group_is_not_its_mine(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Serra Verde Group secured a $565 million loan from the US International Development "
                         "Finance Corporation.")
        assert "firm:serra-verde" in x.entity_ids() and "facility:pela-ema" not in x.entity_ids()
        assert ("firm:us-dfc", "FUNDS", "firm:serra-verde") in triples(x)

    def test_a_two_word_demonym_before_a_kind_of_firm(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "MP Materials will build a refinery with state-owned Saudi Arabian mining company Maaden.")
        assert [(c.type, c.name) for c in x.candidates] == [("Firm", "Maaden")]
        assert ("candidate:Firm:Maaden", "HEADQUARTERED_IN", "country:SA") in triples(x)


class TestRound5Relations:
    """Ownership, supply and trade forms written from dev4 errors (issue 14, round 5)."""

    def test_owned_by_a_kind_of_owner_and_co_owned(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Serra Verde is owned by private equity groups Denham Capital and Vision Blue.")
        assert ("firm:denham-capital", "OWNS", "firm:serra-verde") in triples(x)
        x = extract(gaz, "Japan's JARE vehicle, co-owned by Sojitz and JOGMEC, financed Lynas' expansion.")
        assert {("firm:sojitz", "OWNS", "firm:jare"), ("firm:jp-jogmec", "OWNS", "firm:jare")} <= triples(x)

    def test_imports_and_feedstock_from_a_supplier(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Sojitz Corporation has begun importing dysprosium and terbium from Lynas Rare Earths.")
        assert ("firm:lynas", "SUPPLIES", "firm:sojitz") in triples(x)
        x = extract(gaz, "Neo has also been securing feedstock from Colorado-based uranium producer Energy Fuels.")
        assert ("firm:energy-fuels", "SUPPLIES", "firm:neo-performance") in triples(x)
        # the importer is the subject of the verb, not a firm named before a clause about the EU
        x = extract(gaz, "Solvay believes the launch is well timed, given moves by the EU to cut imports from China.")
        assert not {t for t in triples(x) if t[1] == "SUPPLIES" and t[2] == "firm:solvay"}

    def test_exports_to_and_export_destinations(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "China's rare earth magnet exports fell 5.2% in October, but shipments to the United "
                         "States surged to a nine-month high.")
        assert ("country:CN", "SUPPLIES", "country:US") in triples(x)
        x = extract(gaz, "Germany, the U.S., South Korea, Vietnam and India were the top five export destinations "
                         "for Chinese rare earth magnets.")
        assert {("country:CN", "SUPPLIES", c) for c in ("country:DE", "country:US", "country:KR", "country:VN",
                                                         "country:IN")} <= triples(x)
        # imports are not exports: "Japan's imports from China" says nothing here
        assert not {t for t in triples(extract(gaz, "Japan's exports of cars to Germany rose.")) if t[1] == "SUPPLIES"
                    and t[0] == "country:DE"}

    def test_production_nouns_and_what_a_country_exports(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Once operating, the Eneabba refinery will be one of the few facilities outside China able to produce "
                         "heavy rare earth oxides such as dysprosium and terbium.")
        assert {("facility:iluka-eneabba", "PRODUCES", "element:Dy"),
                ("facility:iluka-eneabba", "PRODUCES", "element:Tb")} <= triples(x)
        assert not {t for t in triples(x) if t[0] == "country:CN"}
        x = extract(gaz, "Neo already runs a 3,000 t/yr light rare earth separation plant at Silmet.")
        assert ("facility:neo-silmet", "PRODUCES", "material:light-rare-earths") in triples(x)
        x = extract(gaz, "Germany and India were the top export destinations for Chinese rare earth magnets.")
        assert ("country:CN", "PRODUCES", "material:ndfeb-magnet") in triples(x)
        # inside a name the product is not the plant's: "The Phase 1 REE separation circuit at the mill"
        x = extract(gaz, "The Phase 1 REE separation circuit at the White Mesa mill was completed in 2024.")
        assert not {t for t in triples(x) if t[1] == "PRODUCES"}

    def test_total_rare_earth_oxides_is_the_reo_total(self, gaz: Gazetteer) -> None:
        assert "material:reo" in extract(gaz, "It expects about 6,500 tonnes of total rare earth oxides a year.").entity_ids()

    def test_sintered_permanent_magnets_and_a_title_word_is_not_a_verb(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The Union Cabinet approved the Scheme to Promote Manufacturing of Sintered Rare Earth "
                         "Permanent Magnets.")
        assert "material:sintered-ndfeb-magnet" in x.entity_ids()
        assert not {t for t in triples(x) if t[1] == "PRODUCES"}
        assert "material:ndpr-oxide" in extract(gaz, "It will make 800tpy of neodymium and praseodymium oxide.").entity_ids()

    def test_a_registered_seat_places_a_name_found_by_its_form(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The fund is controlled by the chair of the mainland China-based Jinan Yuxiao Group.")
        assert ("candidate:Firm:Jinan Yuxiao Group", "HEADQUARTERED_IN", "country:CN") in triples(x)

    def test_a_prohibition_is_the_control_not_a_denial(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "China suspended Announcement No. 46. Under the suspended clause, exports of gallium and "
                         "germanium to the United States were not permitted.", published="2025-11-10")
        assert {("policy:cn-mofcom-2024-46", "TARGETS", "material:gallium"),
                ("policy:cn-mofcom-2024-46", "TARGETS", "material:germanium")} <= triples(x)
        # a denial still drops the claim
        x = extract(gaz, "Announcement No. 46 did not restrict gallium exports.", published="2025-11-10")
        assert ("policy:cn-mofcom-2024-46", "TARGETS", "material:gallium") not in triples(x)


class TestRound5Candidates:
    def test_a_name_with_and_is_one_name_and_not_a_listed_word(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Serra Verde is owned by private equity groups Denham Capital, Energy and Minerals Group "
                         "and Vision Blue.")
        names = [c.name for c in x.candidates]
        assert "Energy and Minerals Group" in names and "Energy" not in names

    def test_a_lone_head_word_and_a_titled_persons_surname_are_not_names(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Guo Jiakun, a spokesperson for the Ministry, said talks went well.")
        assert "Ministry" not in [c.name for c in x.candidates]
        x = extract(gaz, "Treasurer Jim Chalmers ordered the sale. A spokesperson for Chalmers said the order "
                         "protects the national interest.")
        assert "Chalmers" not in [c.name for c in x.candidates]


class TestRound6AgreementParties:
    """A described agreement resolves only to one whose parties fit the states the sentence names."""

    US_CN = {"policy:us-cn-2025-busan-kl", "policy:us-cn-2025-geneva", "policy:us-cn-2025-london"}

    def test_a_third_state_named_as_an_actor_rules_out_a_two_party_deal(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "US President Donald Trump and visiting Australian Prime Minister Anthony Albanese signed "
                         "an agreement to increase access to critical minerals and rare earths as the United States "
                         "seeks to reduce its reliance on Chinese supplies.", published="2025-10-21")
        ids = set(x.entity_ids())
        assert not ids & self.US_CN
        assert "policy:us-au-2025-framework" in ids  # "Chinese supplies" names no party

    def test_a_place_with_its_own_deal_rules_out_another(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "US President Donald Trump, on his tour of Asia, signed an agreement in Japan securing the "
                         "supply of critical minerals, ahead of his meeting with Chinese President Xi Jinping.",
                    published="2025-10-28")
        assert not set(x.entity_ids()) & self.US_CN

    def test_the_venue_of_a_summit_is_not_a_party(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Trump said on October 30 that he and Chinese leader Xi Jinping had agreed at a summit in "
                         "South Korea to keep rare earths exports flowing, in a deal in which he trimmed tariffs.",
                    published="2025-12-08")
        assert "policy:us-cn-2025-busan-kl" in x.entity_ids()

    def test_the_framework_is_the_one_named_just_before(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "President Donald Trump and Australian Prime Minister Anthony Albanese signed a critical "
                         "minerals and rare earths agreement on Monday at the White House. The framework aims to "
                         "cut US dependence on China for rare earths.", published="2025-10-21")
        ids = set(x.entity_ids())
        assert "policy:us-au-2025-framework" in ids and not ids & self.US_CN


class TestRound6Names:
    def test_a_demonym_after_according_to_is_not_a_name(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Exports fell 53% in May, according to Chinese customs data.")
        assert not x.candidates and "country:CN" in x.entity_ids()

    def test_a_group_written_in_title_case_is_the_group(self, gaz: Gazetteer) -> None:
        x = extract(gaz, 'It will be the "only source of separated Heavy Rare Earths outside China."')
        assert "material:heavy-rare-earths" in x.entity_ids() and not x.candidates

    def test_a_cue_does_not_cut_a_longer_name_short(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Jonathan O'Riordan, trade director at the European Automobile Manufacturers' Association "
                         "(ACEA), said export licences had taken a toll.")
        assert [c.name for c in x.candidates] == ["European Automobile Manufacturers' Association"]


class TestRound6Policies:
    def test_a_policy_named_by_the_elements_it_controls(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "China added five more rare earths, holmium, erbium, thulium, europium and ytterbium, to "
                         "its export control list on October 9.", published="2025-10-10")
        assert "policy:cn-mofcom-2025-57" in x.entity_ids()
        assert not {"policy:cn-mofcom-2025-55", "policy:cn-mofcom-2025-58"} & set(x.entity_ids())

    def test_an_undated_pages_copyright_year_rules_out_later_policies(self, gaz: Gazetteer) -> None:
        from loaders.articles import extract_article
        from loaders.articles.readers import Article

        def policies(not_after: str | None) -> set[str]:
            text = "Malaysia will ban exports of rare earth raw materials, the minister said."
            x = extract_article(Article(text=text, where="t", not_after=not_after), gaz)
            return {m.id for m in x.mentions if m.type == "Policy"}

        assert policies("2026") == policies(None) == {"policy:my-2024-raw-ree-export-ban"}
        assert policies("2022") == set()  # a page that existed by 2022 cannot describe a 2023 ban

    def test_an_undated_text_names_the_only_agreement_between_two_states(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Tokyo and Washington signed the US-Japan framework to secure rare earths.", published=None)
        assert "policy:us-jp-2025-framework" in x.entity_ids()
        x = extract(gaz, "The US-China trade deal eased the pressure on magnet makers.", published=None)
        assert not {i for i in x.entity_ids() if i.startswith("policy:us-cn-")}  # three of them: which?

    def test_a_function_word_is_not_a_policys_distinctive_word(self, gaz: Gazetteer) -> None:
        # "other" is in the name of Announcement No. 33 of 2024 ("antimony and other items")
        x = extract(gaz, "The EU trade commissioner criticised China's recent export licensing regime for rare "
                         "earths and magnets, warning of disruptions that could halt automotive and other "
                         "production lines within weeks.", published="2025-06-05")
        assert "policy:cn-mofcom-2024-33" not in x.entity_ids()

    def test_a_chinese_regulations_official_long_name(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The decision follows the Regulations of the People's Republic of China on Export Control "
                         "of Dual-Use Items.", published="2025-10-09")
        assert "policy:cn-dual-use-regulations-2024" in x.entity_ids() and not x.candidates

    def test_a_group_modifying_a_process_is_not_what_a_control_targets(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "MOFCOM announced on Thursday that it will impose export controls on rare earth-related "
                         "technologies, including rare earth mining, smelting and separation.", published="2025-10-10")
        assert ("policy:cn-mofcom-2025-62", "TARGETS", "material:ree-processing-technology") in triples(x)
        assert ("policy:cn-mofcom-2025-62", "TARGETS", "material:rare-earths") not in triples(x)

    def test_a_new_plant_is_not_the_one_running_there(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Lynas has unveiled plans to build a new heavy rare earth separation facility in Malaysia.",
                    published="2025-12-01")
        assert "facility:lynas-malaysia" not in x.entity_ids()
        x = extract(gaz, "Lynas runs a heavy rare earth separation facility in Malaysia.", published="2025-12-01")
        assert "facility:lynas-malaysia" in x.entity_ids()

    def test_a_countrys_possessive_before_the_owner_is_not_the_owner(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Neo Magnequench, a division of Canada's Neo Performance Materials, has begun building "
                         "its magnet plant in Narva, Estonia.", published="2025-09-20")
        assert ("country:CA", "OWNS", "firm:neo-performance") not in triples(x)
        assert ("firm:neo-performance", "HEADQUARTERED_IN", "country:CA") in triples(x)

    def test_a_demonym_owned_firm_has_its_seat_there_not_a_state_owner(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "French-owned Carester has secured a funding package.", published="2025-06-01")
        assert ("country:FR", "OWNS", "firm:carester") not in triples(x)
        assert ("firm:carester", "HEADQUARTERED_IN", "country:FR") in triples(x)
        x = extract(gaz, "Chinese state-owned China Northern Rare Earth raised prices.", published="2025-06-01")
        assert ("country:CN", "OWNS", "firm:china-northern-rare-earth") in triples(x)

    def test_producer_before_a_name_is_a_title_not_a_verb(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "Neo has been securing feedstock from Colorado-based uranium producer Energy Fuels, which "
                         "sells it mixed rare earth carbonate.", published="2025-09-20")
        assert ("firm:neo-performance", "PRODUCES", "material:mixed-re-carbonate") not in triples(x)
        x = extract(gaz, "Lynas, the biggest producer of rare earths outside China, has a plant in Malaysia.",
                    published="2025-09-20")
        assert ("firm:lynas", "PRODUCES", "material:rare-earths") in triples(x)

    def test_mount_is_also_written_mt_with_or_without_a_period(self, gaz: Gazetteer) -> None:
        x = extract(gaz, "The HREs come from Lynas' Mt. Weld mine in Australia.")
        assert "facility:mount-weld" in x.entity_ids() and len(x.sentences) == 1
        assert ("firm:lynas", "OPERATES", "facility:mount-weld") in triples(x)

    def test_a_singular_shared_head_names_each_elements_material(self, gaz: Gazetteer) -> None:
        assert _ids(gaz, "Output will contain 600tpy of terbium and dysprosium oxide.") == [
            ("terbium", "material:tb-oxide"), ("dysprosium oxide", "material:dy-oxide")]
