"""The OWNS patterns, in one place for the two rule modules that read ownership.

:func:`~loaders.articles.rules_chain.rules_owns` reads stake verbs ("took a 15% stake in",
"became the largest shareholder in") and
:func:`~loaders.articles.rules_links.rules_owns_more` reads ownership nouns and phrases
("A's subsidiary B", "B, a unit of A", "A's 8% stake in B", "B, 51%-owned by A"). Both use
the fragments below (a percentage, the owner nouns, the subsidiary nouns); the word lists
that differ between the two (``TOP`` for the verb rule, ``RANK`` for the noun rule) are kept
apart on purpose: merging them changes what each rule accepts.

Patterns that end in ``$`` are matched against the text *between* two mentions (the rules
pass ``s[a_end:b_start]``); the others are searched in the sentence or matched after a mention.
"""

from __future__ import annotations

import re

# -- fragments -----------------------------------------------------------------------------

#: a number and a percent sign or word: "15%", "8.5 per cent", "51 percent"
NUM = r"\d+(?:\.\d+)?"
PERCENT = r"\s?(?:%|per ?cent|percent)"
#: the ranks before "shareholder" in the noun rule (optional, with its space)
RANK = r"(?:largest\s+|biggest\s+|major\s+|majority\s+|controlling\s+|sole\s+|new\s+)?"
#: the ranks before "shareholder" in the verb rule (required)
TOP = r"largest|biggest|major|top|controlling"
OWNER_NOUN = r"(?:shareholder|owner|stakeholder|parent(?:\s+company)?)"
#: "wholly owned", "majority-owned", "100% owned", or any one word ("Australian subsidiary")
OWNED = r"(?:(?:wholly|majority|fully|partly|100\s?%)[- ]owned\s+|(?:\w+\s+)?)"
SUB = r"(?:subsidiar(?:y|ies)|unit|affiliate|arm|division)"

# -- the verb rule (rules_chain.rules_owns) ------------------------------------------------

STAKE = re.compile(r"\b(stake|equity|shares|preferred stock|interest)\b", re.I)
STAKE_VERB = re.compile(r"\b(tak\w*|took|acquir\w*|receiv\w*|hold\w*|bought|buy\w*|purchas\w*|"
                        r"get|gets|obtain\w*)\b", re.I)
#: the words every match of STAKE_VERB starts with (lower case)
STAKE_VERB_FIRST = ("tak", "took", "acquir", "receiv", "hold", "bought", "buy", "purchas", "get", "obtain")
SHAREHOLDER = re.compile(rf"\b({TOP})\s+(shareholder|stakeholder|"
                         r"owner)\s+(?:in|of)\b", re.I)
BECOME_OWNER = re.compile(r"\b(?:become|becomes|became|is|was)\s+(?:the\s+)?$")
OWNER_AFTER = re.compile(rf"^['’]s?\s+(?:{TOP})\s+(?:shareholder|owner|stakeholder)\b", re.I)
SHARE_PCT = re.compile(rf"({NUM}){PERCENT}\s+(?:stake|equity|interest|of the shares)"
                       rf"|(?:stake|interest)\s+of\s+(?:up\s+to\s+|about\s+|around\s+)?({NUM})\s?"
                       r"(?:%|per ?cent|percent)", re.I)
STOCK_AFTER = re.compile(r"^['’]?s?\s+(?:convertible\s+)?(?:preferred\s+|common\s+)?(?:stock|shares|equity)\b",
                         re.I)
#: stems the verb rule's patterns need (a cheap test before its regexes)
OWNS_STEMS = ("tak", "took", "acquir", "receiv", "hold", "bought", "buy", "purchas", "get", "obtain", "own")

# -- the noun rule (rules_links.rules_owns_more) -------------------------------------------

A_S_SUB_B = re.compile(rf"^['’]s?\s+{OWNED}{SUB}\s*,?\s+(?:the\s+)?$", re.I)
B_SUB_OF_A = re.compile(rf"^\s*,\s+(?:a|an|the)\s+{OWNED}{SUB}\s+of\s+(?:the\s+)?$", re.I)
ITS_SUB = re.compile(rf"\b(?:its|their)\s+(?:[\w.-]+\s+){{0,2}}?{SUB}\s*,?\s+$", re.I)
A_OWNED_B = re.compile(r"^-(?:owned|controlled)\s+(?:[\w-]+\s+){0,3}$")
OWNED_BY = re.compile(r"^(?:\s+(?:vehicle|unit|venture|subsidiary|company|firm))?\s*,?\s+(?:which\s+is\s+|is\s+|was\s+|are\s+)?(?:wholly\s+|majority[- ]|partly\s+|fully\s+|"
                      r"jointly\s+|co-)?owned\s+by\s+(?:the\s+)?(?:(?:private|state|investment|equity|"
                      r"[a-z]+-owned|(?:[A-Z]\w+(?:ese|ian|an|ish|i)))\s+){0,3}"
                      r"(?:(?:firms?|groups?|funds?|companies|company|investors?|partners?|entities|entity)\s+)?$")
ACQUIRED = re.compile(r"^\s+(?:has\s+|had\s+)?(?:completed|closed|finali[sz]ed)\s+(?:the|its)\s+(?:\$[\d.,]+\s+\w+\s+)?"
                      r"(?:acquisition|takeover|purchase)\s+of\s+(?:the\s+)?$|^\s+(?:has\s+)?(?:took|taken)\s+over\s+$")
PCT_OF = re.compile(r"^\s+(?:now\s+|also\s+)?(?:owns|owned|holds|held|has|had|controls|acquired|bought|took)\s+(?:a\s+|an\s+)?"
                    rf"(?:about\s+|around\s+|nearly\s+|roughly\s+|almost\s+)?({NUM}){PERCENT}"
                    r"\s+(?:stake\s+|interest\s+)?(?:of|in)\s+(?:the\s+)?$")
WHICH_OWNS = re.compile(r"^\s*,\s+which\s+(?:also\s+|now\s+)?(?:owns|controls|acquired|bought|(?:holds|has|took|acquired)\s+(?:a\s+)?(?:[\w%.-]+\s+){0,2}"
                        rf"(?:stake|interest)\s+in)\s+(?:(?:a\s+|an\s+)?(?:about\s+|around\s+)?{NUM}{PERCENT}\s+"
                        r"(?:stake\s+|interest\s+)?(?:of|in)\s+)?(?:the\s+)?$", re.I)
OWNER_OF = re.compile(rf"^\s*,\s+(?:the|a|an|its)\s+{RANK}"
                      rf"{OWNER_NOUN}\s+(?:of|in)\s+(?:the\s+)?$", re.I)
OWNER_S = re.compile(rf"['’]s?\s+{RANK}"
                     rf"{OWNER_NOUN}\b", re.I)
IN_WHICH = re.compile(r"^\s*,\s+in\s+which\s+$")
HOLDS_STAKE = re.compile(r"\s+(?:now\s+|also\s+)?(?:holds|has|owns|took|acquired|bought)\s+(?:a|an)\s+(?:[\w%.-]+\s+){0,3}"
                         r"(?:stake|interest|shareholding)\b")
JV_OF = re.compile(r"^\s*(?:,\s+)?(?:is\s+|was\s+)?(?:a|an|the)\s+(?:[\w-]+\s+){0,2}joint\s+venture\s+"
                   r"(?:between|of|by|owned\s+by)\s+(?:the\s+)?$", re.I)
STAKE_NOUN = re.compile(rf"^['’]s?\s+(?:(?:about\s+|around\s+|nearly\s+)?{NUM}{PERCENT}\s+|"
                        r"(?:new\s+|minority\s+|majority\s+|controlling\s+|equity\s+|indirect\s+|direct\s+)+)?"
                        r"(?:stake|shareholding|holding|equity\s+interest|interest|ownership)\s+in\s+(?:the\s+)?$", re.I)
HAS_STAKE = re.compile(r"^\s+(?:now\s+|also\s+|still\s+)?(?:has|had|have|holds|held|owns|retains|keeps|took|acquired|bought)\s+"
                       r"(?:a|an)\s+(?:[\w%.-]+\s+){0,3}(?:stake|interest|shareholding)\s+in\s+(?:the\s+)?$", re.I)
IS_OWNER_OF = re.compile(rf"^\s+(?:is|was|became|becomes|remains)\s+(?:now\s+)?(?:the|a|an|its)\s+{RANK}"
                         rf"{OWNER_NOUN}\s+(?:of|in)\s+(?:the\s+)?$", re.I)
IS_SUB_OF = re.compile(rf"^\s+(?:is|was|became|becomes|remains)\s+(?:now\s+)?(?:a|an|the)\s+{OWNED}{SUB}\s+of\s+(?:the\s+)?$", re.I)
PCT_OWNED_BY = re.compile(rf"^\s*,?\s+(?:which\s+is\s+|is\s+|was\s+)?(?:about\s+)?{NUM}{PERCENT}"
                          r"[- ]owned\s+by\s+(?:the\s+)?$", re.I)
OWNER_AFTER_B = re.compile(rf"^['’]s?\s+{RANK}"
                           r"(?:shareholder|owner|parent(?:\s+company)?)\s*,?\s+(?:the\s+)?$", re.I)
STATE_OWNED = re.compile(r"^(?:['’]s)?\s+(?:[a-z][\w-]*\s+)?(?:state|government)[- ](?:owned|controlled|run)\s+(?:[a-z][\w-]*\s+){0,2}$")
PARENT = re.compile(r"^['’]s?\s+parent(?:\s+company)?\s*,?\s+$", re.I)
#: a superset of the words the noun rule's patterns need, to skip sentences without any (speed)
OWNS_WORDS = ("subsidiar", "unit", "affiliate", "arm", "division", "owned", "controlled", "acqui", "takeover",
              "purchase", "took", "taken", "%", "cent", "own", "control", "bought", "stake", "interest", "holder",
              "parent", "holding", "venture", "run")
SUB_WORD = re.compile(r"(?i)subsidiar|unit|affiliate|arm|division")
