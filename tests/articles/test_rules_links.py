"""The pairing helper of the relation rules, and issue-14 round-4 mention forms."""

from __future__ import annotations

from loaders.articles.records import Mention
from loaders.articles.rules_links import _ordered_pairs
from loaders.articles.sentences import Sentence


def _mentions(sent: Sentence, *names: tuple[str, str, str]) -> list[Mention]:
    out = []
    for text, eid, etype in names:
        at = sent.text.index(text)
        out.append(Mention(sent.start + at, sent.start + at + len(text), text, eid, etype, 0))
    return out


class TestOrderedPairs:
    sent = Sentence(100, 160, "Lynas, a unit of Foo, sold Mt Weld to Bar and Lynas.")

    def test_sides_blockers_and_gaps(self) -> None:
        lynas, foo, weld, bar, lynas2 = _mentions(
            self.sent, ("Lynas", "firm:lynas", "Firm"), ("Foo", "firm:foo", "Firm"),
            ("Mt Weld", "facility:mount-weld", "Facility"), ("Bar", "firm:bar", "Firm"),
            ("Lynas.", "firm:lynas", "Firm"))
        others = [lynas, foo, weld, bar, lynas2]
        # only the side asked for; another mention of the anchor's entity is never a partner
        after = [(p.m.id, p.gap, p.first) for p in _ordered_pairs(lynas, others, self.sent, after=[])]
        assert after == [("firm:foo", ", a unit of ", False), ("facility:mount-weld", ", a unit of Foo, sold ", False),
                         ("firm:bar", ", a unit of Foo, sold Mt Weld to ", False)]
        assert list(_ordered_pairs(lynas, others, self.sent)) == []
        # a blocking mention that starts between the two ends removes the pair
        blocked = [p.m.id for p in _ordered_pairs(lynas, others, self.sent, after=[weld])]
        assert blocked == ["firm:foo", "facility:mount-weld"]
        before = [(p.m.id, p.start, p.end, p.first) for p in _ordered_pairs(bar, others, self.sent, before=[foo])]
        assert before == [("firm:foo", 17, 20, True), ("facility:mount-weld", 27, 34, True)]
