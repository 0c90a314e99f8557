"""Named entities: capitalised-name spans, their head words, and aliases of countries and blocs.

"Putin" ~ "Vladimir Putin" ~ "President Putin" share the head "putin"; "US" ~ "U.S." ~
"United States" ~ "American" ~ "Washington" share the group "#us". A claim's entity that the
evidence never mentions (after aliasing) is a reason to reject the claim.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from summarizer.checker.numbers import NUMBER_WORDS
from summarizer.checker.words import SPEECH_VERBS, STOPWORDS, Token, canonical, word_list

# Group id -> names. Short all-caps acronyms match only when written in capitals ("US" vs "us").
_GROUPS = {
    "#us": "United States|U.S.|US|USA|U.S.A.|America|American|Americans|Washington|"
    "White House|Pentagon|State Department",
    "#uk": "United Kingdom|UK|U.K.|Britain|Great Britain|British|Briton|Britons|London|"
    "Downing Street",
    "#ru": "Russia|Russian|Russians|Moscow|Kremlin|Russian Federation",
    "#ua": "Ukraine|Ukrainian|Ukrainians|Kyiv|Kiev",
    "#nato": "NATO|Nato|North Atlantic Treaty Organization|North Atlantic Alliance",
    "#eu": "EU|European Union",
    "#un": "UN|U.N.|United Nations",
    "#europe": "Europe|European|Europeans",
    "#west": "West|Western",
    "#fr": "France|French|Paris|Elysee|Élysée",
    "#de": "Germany|German|Germans|Berlin",
    "#cn": "China|Chinese|Beijing",
    "#tr": "Turkey|Turkish|Ankara",
    "#by": "Belarus|Belarusian|Minsk",
    "#pl": "Poland|Polish|Warsaw",
    "#ro": "Romania|Romanian|Bucharest",
    "#jp": "Japan|Japanese|Tokyo",
    "#in": "India|Indian|New Delhi",
    "#it": "Italy|Italian|Rome",
    "#es": "Spain|Spanish|Madrid",
    "#ca": "Canada|Canadian|Ottawa",
    "#au": "Australia|Australian|Canberra",
    "#br": "Brazil|Brazilian|Brasilia",
    "#mx": "Mexico|Mexican",
    "#nl": "Netherlands|Dutch|The Hague",
    "#se": "Sweden|Swedish|Stockholm",
    "#no": "Norway|Norwegian|Oslo",
    "#fi": "Finland|Finnish|Helsinki",
    "#il": "Israel|Israeli|Israelis",
    "#ir": "Iran|Iranian|Tehran",
    "#sy": "Syria|Syrian|Damascus",
    "#kr": "South Korea|South Korean|Seoul",
    "#kp": "North Korea|North Korean|Pyongyang",
    "#ie": "Ireland|Irish|Dublin",
    "#gr": "Greece|Greek|Athens",
    "#ch": "Switzerland|Swiss|Bern",
    "#at": "Austria|Austrian|Vienna",
    "#pt": "Portugal|Portuguese|Lisbon",
    "#ar": "Argentina|Argentine|Argentinian|Buenos Aires",
    "#za": "South Africa|South African|Pretoria",
    "#ng": "Nigeria|Nigerian|Abuja",
    "#ke": "Kenya|Kenyan|Nairobi",
    "#eg": "Egypt|Egyptian|Cairo",
}
# Groups too vague to fail a claim when missing ("Western officials").
SOFT_GROUPS = frozenset({"#europe", "#west"})

# Words inside a name that are roles, not names: "Russian President Vladimir Putin".
TITLES = frozenset(
    word_list(
        """
        president presidents prime minister ministers chancellor secretary general spokesman
        spokeswoman spokesperson press deputy foreign defense defence interior finance mr mrs ms dr
        gen sen rep gov governor senator king queen prince princess pope judge justice coach manager
        ceo chief director head leader ambassador senior vice lt col maj capt sgt adm chairman
        chairwoman chair commissioner mayor sheikh lord lady sir professor prof officer captain
        spokes secretary-general premier lawmaker analyst
        """
    )
)
# Words that may sit inside a name without being capitalised: "Day of Unity", "von der Leyen".
_CONNECTORS = frozenset({"of", "de", "von", "der", "van", "la", "al", "bin", "du", "da", "&"})
_COMMON_SUBJECTS = frozenset(
    word_list(
        """
        police everyone someone somebody nobody staff management government military army media
        everybody one many most few several critics
        """
    )
)
_DAYS_MONTHS = frozenset(
    word_list(
        """
        monday tuesday wednesday thursday friday saturday sunday january february march april may
        june july august september october november december jan feb mar apr jun jul aug sep sept
        oct nov dec
        """
    )
)


# Capitalised words that are never names, even mid-sentence in badly split text.
_NOT_NAMES = (
    frozenset(["i", "we", "you", "he", "she", "it", "they", "there", "that", "this"]) | NUMBER_WORDS
)


@dataclass(frozen=True)
class Entity:
    """One mention of a named thing: the key it is matched by and where its head token sits."""

    key: str  # alias group ("#us") or the head word's canonical form ("putin")
    text: str
    start: int  # token index of the first token
    head: int  # token index of the head token


def _build_alias_table() -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = {}
    for group, names in _GROUPS.items():
        for name in names.split("|"):
            table[_alias_words(name)] = group
    return table


def _alias_words(name: str) -> tuple[str, ...]:
    out = []
    for w in name.split():
        bare = w.replace(".", "")
        # All-caps words of up to three letters keep their case: "US" is not "us".
        out.append(bare if bare.isupper() and len(bare) <= 3 else bare.lower())
    return tuple(out)


_ALIASES = _build_alias_table()
# Single-word country and bloc names by their lowercase form ("chinese" -> "Chinese"), for
# restoring the capitals of lowercased text; short acronyms are left out ("us" is a pronoun).
NAME_FORMS = {
    name.lower(): name
    for names in _GROUPS.values()
    for name in names.split("|")
    if " " not in name and "." not in name and not (name.isupper() and len(name) <= 3)
}
_MAX_ALIAS = max(len(k) for k in _ALIASES)


def _alias_form(token: Token) -> str:
    bare = token.text.replace(".", "").replace("’", "'")
    if bare.endswith("'s"):
        bare = bare[:-2]
    if bare.isupper() and len(bare) <= 3:
        return bare
    return bare.lower()


def apply_aliases(tokens: Sequence[Token]) -> list[Token]:
    """Replace country/bloc names (one or more tokens) by one token whose norm is the group."""
    out: list[Token] = []
    forms = [_alias_form(t) for t in tokens]
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_ALIAS, len(tokens) - i), 0, -1):
            group = _ALIASES.get(tuple(forms[i : i + size]))
            if group is not None and tokens[i].capital:
                text = " ".join(t.text for t in tokens[i : i + size])
                out.append(Token(text, group, tokens[i].start, True))
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def find_entities(
    tokens: Sequence[Token], known: Collection[str] = (), *, sentence_start: int = 0
) -> list[Entity]:
    """Entity mentions in aliased tokens.

    A capitalised word that starts the sentence ("Officials said...") counts only if it is an
    alias or ``known`` (seen capitalised mid-sentence elsewhere).
    """
    out: list[Entity] = []
    i = 0
    n = len(tokens)
    while i < n:
        if not _starts_name(tokens, i, known, sentence_start):
            i += 1
            continue
        j = i
        while j < n and (
            _is_name_word(tokens[j])
            or (
                tokens[j].text.lower() in _CONNECTORS
                and j > i
                and any(_is_name_word(t) for t in tokens[j + 1 : j + 3])  # "von der Leyen"
            )
        ):
            j += 1
        out.extend(_segment(tokens, i, j))
        i = max(j, i + 1)
    return out


def _starts_name(tokens: Sequence[Token], i: int, known: Collection[str], first: int) -> bool:
    tok = tokens[i]
    if not _is_name_word(tok):
        return False
    if tok.norm.startswith("#"):
        return True
    at_start = i == first or (i > 0 and tokens[i - 1].text in {'"', "“", "‘", "'", "(", "-", "—"})
    if not at_start or tok.norm in known:
        return True
    # "Lavrov said ...": an unknown capitalised word right before a speech verb is a name.
    lower = tok.text.lower()
    return (
        i + 1 < len(tokens)
        and tokens[i + 1].norm in SPEECH_VERBS
        and not lower.endswith("s")  # "Officials said", "Analysts warned"
        and lower not in STOPWORDS | _COMMON_SUBJECTS
    )


def _is_name_word(tok: Token) -> bool:
    if not tok.capital or not tok.text[:1].isalpha():
        return False
    lower = tok.text.lower()
    bare = re.split(r"['’]", lower)[0]  # "We're", "It's"
    return lower not in _DAYS_MONTHS and bare not in _NOT_NAMES


def _segment(tokens: Sequence[Token], start: int, stop: int) -> list[Entity]:
    """Split a run of capitalised words at titles and aliases into separate entities."""
    out: list[Entity] = []
    seg: list[int] = []

    def flush() -> None:
        while seg and tokens[seg[-1]].text.lower() in _CONNECTORS:
            seg.pop()
        words = [k for k in seg if tokens[k].text.lower() not in STOPWORDS | _CONNECTORS]
        if words:
            head = words[-1]
            text = " ".join(tokens[k].text for k in seg)
            out.append(Entity(key=tokens[head].norm, text=text, start=seg[0], head=head))
        seg.clear()

    for k in range(start, stop):
        tok = tokens[k]
        lower = tok.text.lower()
        if tok.norm.startswith("#"):
            flush()
            out.append(Entity(key=tok.norm, text=tok.text, start=k, head=k))
        elif lower in TITLES:
            flush()
        elif lower in _CONNECTORS and not seg and not tok.capital:
            continue
        else:
            seg.append(k)
    flush()
    return out


def group_forms(key: str) -> tuple[str | None, str | None]:
    """(country or bloc name, demonym) of an alias group: "#us" -> ("United States", "American")."""
    names = _GROUPS.get(key, "").split("|")
    if not names[0]:
        return (None, None)
    demonym = next(
        (n for n in names[1:] if n.endswith(("an", "ish", "ese", "ch")) and " " not in n), None
    )
    return names[0], demonym


def entity_name(key: str) -> str:
    """A readable name for an entity key ("#us" -> "United States")."""
    if key.startswith("#"):
        return _GROUPS[key].split("|")[0] if key in _GROUPS else key
    return key


def key_of(name: str) -> str:
    """The key a bare name is matched by: "Putin" -> "putin", "U.S." -> "#us"."""
    tok = Token(name, canonical(name), 0, True)
    aliased = apply_aliases([tok])
    return aliased[0].norm if len(aliased) == 1 else canonical(name)
