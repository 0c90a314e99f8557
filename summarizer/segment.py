"""The project's one sentence splitter: news prose, lowercased and tokenised text alike.

Handles abbreviations ("Gen.", "Feb. 16", "U.S.", "3 a.m. Police"), initials, decimals,
ellipses, quotes (a short quote of several sentences stays whole; "Why?" she asked), and the
conventions of tokenised corpora (``facebook 's``, ``word .``, ``` `` ``/``''`` quotes,
``-lrb-``). Every sentence is an exact substring of the input, so cited quotes stay verbatim.
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Iterator

# One copy of the abbreviation lexicons; cleaning's line repair reads them too.
TITLE_ABBR = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt sen rep gov pres supt insp det
    rev hon messrs mme mlle gov amb
    """.split()
)
MONTH_ABBR = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Abbreviations that can also end a sentence ("... Acme Inc. The"): split before a starter.
OTHER_ABBR = frozenset(
    """
    no nos vs etc al approx dept univ assn bros inc corp ltd co est fig vol pp ed eds jr sr st mt
    ft ave blvd mon tue tues wed thu thur thurs fri sat sun ala ariz ark calif colo conn del fla
    ga ill ind kan ky la md mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis
    wyo
    """.split()
)
# Dotted forms that never end a sentence, and clock times that end one before a capital.
_NEVER_FINAL = frozenset({"e.g.", "i.e.", "a.k.a.", "cf.", "viz."})
_CLOCK = frozenset({"a.m.", "p.m."})
_CALENDAR = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december et est edt ct cst cdt pt pst pdt gmt utc bst
    cet local
    """.split()
)
# Words that open sentences: in lowercased text they are the only evidence of a boundary after
# an abbreviation ("the u.s. the talks" vs "the u.s. troops"), so there only the strong ones count
# ("3 a.m. on sunday" goes on).
_STRONG_STARTERS = frozenset(
    """
    the a an he she it they we i you his her its their our this these those there however
    meanwhile police officials
    """.split()
)
_STARTERS = _STRONG_STARTERS | frozenset(
    """
    that but and so yet still then now in on at after before while when if as for with without
    by from some many most more several other others both all no
    """.split()
)
SPEECH_VERBS = frozenset(
    "said says say asked asks told tells added adds wrote writes replied replies noted notes "
    "explained explains insisted insists warned warns argued argues according".split()
)

# A candidate boundary: terminal punctuation, attached closers, then whitespace.
_CANDIDATE = re.compile(r"(\.{2,}|…|[.!?]+)([\"'”’»)\]]*)(\s+)(?=\S)")
_STOP = re.compile(r"[.!?…]")  # what a candidate starts with
# Closers that tokenised text sets apart after a detached stop: "word . ''".
_DETACHED_CLOSER = re.compile(r"(?:''|'|-rrb-|\))(?=\s)")
_OPENERS = re.compile(r"(?:``|`|-lrb-|[\"'“‘«(\[])\s?")
_WORD = re.compile(r"[^\W_]+(?:[.'’-][^\W_]+)*\.?")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w.'’-]*)$")
_PARAGRAPHS = re.compile(r"\n\s*\n")
_SPACE = re.compile(r"\s+")
_QUOTE_CHARS = re.compile(r"“|”|``|''|\"")
_MAX_QUOTE = 400  # a quote longer than this may hold sentences of its own
_LOWERCASE_SHARE = 0.01  # fewer capitals than this share of letters: lowercased text
_ASCII_UPPERCASE = string.ascii_uppercase.encode()
_ASCII_LETTERS = string.ascii_letters.encode()
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraph breaks always end a sentence."""
    return [text[a:b] for a, b in sentence_spans(text)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, surrounding whitespace excluded."""
    lowercased = _is_lowercased(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in _PARAGRAPHS.finditer(text):
        spans.extend(_paragraph_spans(text, start, brk.start(), lowercased))
        start = brk.end()
    spans.extend(_paragraph_spans(text, start, len(text), lowercased))
    return spans


def _is_lowercased(text: str) -> bool:
    # Counted with C-level string operations, not a per-character Python loop (this runs for
    # every text split, on up to 20,000 characters): ASCII letters by bytes.translate, and only
    # the (usually few) other characters one by one.
    sample = text[:20_000]
    raw = sample.encode("ascii", "ignore")
    letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    upper = len(raw) - len(raw.translate(None, _ASCII_UPPERCASE))
    if len(raw) < len(sample):
        if upper >= _LOWERCASE_SHARE * (letters + len(sample) - len(raw)):
            return False  # capitals enough, whatever the other characters are
        alpha = list(filter(str.isalpha, "".join(_NON_ASCII.findall(sample))))
        letters += len(alpha)
        upper += sum(map(str.isupper, alpha))
    return letters >= 20 and upper < _LOWERCASE_SHARE * letters


def _paragraph_spans(
    text: str, begin: int, end: int, lowercased: bool
) -> Iterator[tuple[int, int]]:
    quotes = _quote_spans(text, begin, end)
    opens = [a for a, _ in quotes]
    start = begin
    for match in _candidates(text, begin, end):
        stop_end = match.end(2)
        after = match.end(3)
        if match.start(1) > begin and text[match.start(1) - 1] == " ":  # tokenised: "word . ''"
            closer = _DETACHED_CLOSER.match(text, after, end)
            if closer is not None:
                stop_end = closer.end()
                ws = _SPACE.match(text, stop_end, end)
                if ws is None:
                    continue
                after = ws.end()
        if after >= end or not _ends_here(text, match, stop_end, after, end, lowercased):
            continue
        if _inside_short_quote(quotes, opens, match.start(1), stop_end):
            continue
        yield from _trimmed(text, start, stop_end)
        start = after
    yield from _trimmed(text, start, end)


def _candidates(text: str, begin: int, end: int) -> Iterator[re.Match[str]]:
    """``_CANDIDATE.finditer(text, begin, end)``, three times faster: `re` tries a pattern that
    opens with a group at every position, while a bare character class is scanned for in C, so
    the stops are found first and the pattern is tried only there."""
    at = begin
    while (stop := _STOP.search(text, at, end)) is not None:
        match = _CANDIDATE.match(text, stop.start(), end)
        if match is None:
            at = stop.end()
            continue
        yield match
        at = match.end()


def _trimmed(text: str, a: int, b: int) -> Iterator[tuple[int, int]]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        yield a, b


def _ends_here(
    text: str, match: re.Match[str], stop_end: int, after: int, end: int, lowercased: bool
) -> bool:
    """Whether the candidate ``match`` (extended to ``stop_end``) ends a sentence."""
    stop, closers = match.group(1), text[match.end(1) : stop_end]
    if text[after] in ".,;:!?":  # "word . . . next", "a. , b"
        return False
    opener = _OPENERS.match(text, after, end)
    word_at = opener.end() if opener else after
    nxt = _WORD.match(text, word_at, end)
    next_word = nxt.group() if nxt else ""
    capital = next_word[:1].isupper() or next_word[:1].isdigit() or (opener is not None)
    bare_next = next_word.lower().rstrip(".")
    starter = bare_next in (_STRONG_STARTERS if lowercased else _STARTERS)
    quoted = any(c in closers for c in "\"'”’»")
    if quoted and stop[-1] in "?!" and _speech_follows(text, after, end):
        return False  # "“Why not?” she asked."
    if not lowercased and next_word[:1].islower():
        return False
    if stop.startswith("..") or stop == "…":
        return capital if not lowercased else starter
    if stop != "." or quoted or closers:
        return True
    if match.start(1) > 0 and text[match.start(1) - 1].isspace():
        return True  # a detached stop in tokenised text
    # The word runs back from the stop to a space at the latest: `re` need not try before it.
    stop_at = match.start(1)
    lo = max(0, stop_at - 40)
    space = text.rfind(" ", lo, stop_at)
    before = _WORD_BEFORE.search(text, space + 1 if space >= 0 else lo, stop_at)
    if before is None:
        return True  # a number or symbol before the stop: "in 2014."
    return _after_word(before.group(1), next_word, capital, starter, lowercased)


def _after_word(word: str, next_word: str, capital: bool, starter: bool, lowercased: bool) -> bool:
    """Whether "``word``. ``next_word``" is a boundary, ``word`` being the stop's own word."""
    dotted = word.lower() + "."
    bare = word.rstrip(".").lower()
    if dotted in _NEVER_FINAL or bare in TITLE_ABBR:
        return False
    if bare in MONTH_ABBR:
        return not next_word[:1].isdigit() and (starter if lowercased else capital)
    if bare in OTHER_ABBR:
        return starter and not next_word[:1].isdigit()
    if dotted in _CLOCK:  # "3 a.m. Police said", but "3 p.m. Tuesday"
        if lowercased:
            return starter
        return capital and next_word.lower() not in _CALENDAR
    if "." in word:  # a dotted acronym: "U.S.", "u.n."
        return starter and (lowercased or capital)
    if len(bare) == 1:  # an initial: "Lloyd J. Austin"; in lowercased text, "plan b. the"
        return starter if lowercased else word.islower()
    return True


def _speech_follows(text: str, at: int, end: int) -> bool:
    """A speech tag after a closing quote: "she said", "said the minister", "he told AP"."""
    words = _WORD.findall(text, at, min(end, at + 60))[:3]
    return any(w.lower().rstrip(".") in SPEECH_VERBS for w in words) and not words[0][:1].isdigit()


def _quote_spans(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """(open, close) offsets of double-quoted stretches in text[begin:end]."""
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for m in _QUOTE_CHARS.finditer(text, begin, end):
        q = m.group()
        prev = text[m.start() - 1] if m.start() > begin else " "
        nxt = text[m.end()] if m.end() < end else " "
        after_space = prev.isspace() or prev in "([—–-"
        straight_open = open_at is None and not nxt.isspace() and after_space
        opening = q in ("“", "``") or (q == '"' and straight_open)
        if opening:
            open_at = m.start()
            continue
        if open_at is not None and (q in ("”", "''") or (q == '"' and not prev.isspace())):
            spans.append((open_at, m.end()))
            open_at = None
    return spans


def _inside_short_quote(
    quotes: list[tuple[int, int]], opens: list[int], at: int, stop_end: int
) -> bool:
    """Whether a stop lies inside a quote that closes soon after it (and not at it)."""
    k = bisect.bisect_right(opens, at) - 1
    if k < 0:
        return False
    a, b = quotes[k]
    return a < at and stop_end < b and b - a <= _MAX_QUOTE


def ends_with_abbreviation(text: str) -> bool:
    """True if the full stop ending ``text`` belongs to an abbreviation like "Feb." or "U.S."."""
    found = _WORD_BEFORE.search(text.rstrip()[:-1]) if text.rstrip().endswith(".") else None
    if found is None:
        return False
    word = found.group(1)
    bare = word.lower()
    return (
        bare in TITLE_ABBR
        or bare in MONTH_ABBR
        or bare in OTHER_ABBR
        or (word + ".").lower() in _NEVER_FINAL | _CLOCK
        or "." in word
        or (len(word) == 1 and word.isupper())
    )


# --- tokenised corpora -----------------------------------------------------------------------

_TOKENISED = re.compile(
    r" n't\b| '(?:s|re|ve|ll|d|m)\b|-[lr][rsc]b-|`|''|\\'| [,.;:?!%)]|\( |[£$€¥] \d|\bUNK\b|<unk>"
)
_UNTOKENISE = (
    # Unknown-word placeholders of older summarisation models stand for a word, not a claim.
    (re.compile(r"\s*(?:\bUNK\b|<unk>|\[UNK\])"), ""),
    (re.compile(r"\\'"), "'"),
    (re.compile(r"([£$€¥]) (?=\d)"), r"\1"),
    (re.compile(r"(?<=\w) (n't)\b"), r"\1"),
    (re.compile(r"(?<=\w) ('(?:s|re|ve|ll|d|m))\b"), r"\1"),
    (re.compile(r"-lrb-\s?"), "("),
    (re.compile(r"\s?-rrb-"), ")"),
    (re.compile(r"-lsb-\s?"), "["),
    (re.compile(r"\s?-rsb-"), "]"),
    (re.compile(r"-lcb-\s?"), "{"),
    (re.compile(r"\s?-rcb-"), "}"),
    (re.compile(r"(?<=\S) ([,.;:?!%])(?=\s|$)"), r"\1"),
    (re.compile(r"``\s?"), "“"),
    (re.compile(r"\s?''"), "”"),
    (re.compile(r"(?<!\S)`\s?"), "‘"),
    (re.compile(r"\( "), "("),
    (re.compile(r" \)"), ")"),
)
_SINGLE_CLOSE = re.compile(r"(‘[^‘’']{1,200}?)\s?'(?=\s|$|[,.;:?!])")


def detokenize(text: str) -> str:
    """Undo the conventions of tokenised corpora ("did n't", "facebook 's", "-lrb-", "``",
    "word ,") so words, negation and quotes read as in prose; other text is returned as is."""
    if _TOKENISED.search(text) is None:
        return text
    for pattern, replacement in _UNTOKENISE:
        text = pattern.sub(replacement, text)
    return _SINGLE_CLOSE.sub(r"\1’", text).strip()
