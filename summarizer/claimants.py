"""Who makes a claim, and who said what.

A claim belongs to whoever the sentence says makes it: the speaker of a reporting verb before it
("The Russian Defense Ministry said ..."), an attribution after it ("..., a senior official
said Wednesday."), or "according to ..."; with none, it is the outlet's own reporting. Direct
quotes by named people are collected with the speaker's role as the articles give it ("NATO
Secretary-General Jens Stoltenberg", "John Kirby, the Pentagon spokesperson").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from summarizer.checker.entities import TITLES, key_of
from summarizer.checker.words import ORGANISATION_HEADS, STOPWORDS
from summarizer.salience import content_words
from summarizer.timeline import Dater
from summarizer.types import Evidence, Quote, Source

_SPEECH = (
    r"said|says|say|told|tells|added|adds|warned|warns|stressed|stresses|insisted|insists|"
    r"claimed|claims|announced|announces|noted|notes|argued|argues|wrote|writes|tweeted|tweets|"
    r"reported|reports|stated|states|confirmed|confirms|denied|denies|declared|declares|"
    r"asserted|asserts|explained|explains|acknowledged|acknowledges|admitted|admits|"
    r"maintained|maintains|called|calls|described|describes|urged|urges|replied|replies|"
    r"responded|responds|asked|asks"
)
_SPEECH_VERB = re.compile(rf"\b(?:{_SPEECH})\b")
_NOT_A_VERB_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|his|her|its|their|our|these|those|this|that|such|of)|['’]s|"
    r"\b[A-Z]\w*(?:an|ish|ese|ian))\s+$"
)
_QUOTE_SPANS = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")
# Where a speaker phrase before a verb starts: a clause edge.
_EDGE = re.compile(
    r"[,;:(“”\"]|\b(?:that|after|before|while|as|when|because|since|but|though|although|if|"
    r"where|which|who|whom|whose|and then)\b"
)
_LEADING = re.compile(r"^(?:in fact|indeed|meanwhile|also|but|and|however|then|so)\b\s*", re.I)
_TRAILING = re.compile(
    r"\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$|"
    r"\s+(?:have|has|had|also|again|repeatedly|earlier|later|previously|recently|reportedly|"
    r"publicly|privately|would|will|did|does|had|last week|this week|on \w+|in a statement)$",
    re.I,
)
_PARTICIPLE = re.compile(r"\s+(?:reported|cited|quoted|issued|released|published) by\b.*$", re.I)
_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i"})
_NAME_TOKEN = re.compile(r"[A-Z][\w'’.-]*")
_PARTICLES = frozenset({"von", "der", "van", "de", "la", "al", "bin", "da", "du", "le"})
# Unnamed people who make claims: written in lower case inside a sentence.
GENERIC_SPEAKERS = frozenset(
    """officials official analysts analyst experts expert diplomats diplomat sources source
    residents witnesses authorities critics lawmakers observers investigators police
    protesters leaders ministers officers researchers scientists economists spokesman
    spokeswoman spokesperson aides""".split()
)
_ATTRIBUTION_TAIL = 12  # words a trailing attribution may carry after its verb ("told AFP")
MIN_QUOTE_WORDS = 5
MAX_QUOTE_WORDS = 25
MAX_QUOTES = 3  # the issue allows five; three keep the briefing to a phone screen per five points
STORY_KEYWORDS = 15


@dataclass(frozen=True)
class Speaker:
    """A speaker phrase split into a person's name (when there is one) and a role."""

    phrase: str  # as written: "NATO Secretary-General Jens Stoltenberg", "a senior official"
    name: str | None  # "Jens Stoltenberg", or None for "a senior official", "Russia"
    role: str | None


@dataclass(frozen=True)
class DirectQuote:
    source: str
    index: int  # sentence index
    sentence: str
    text: str  # the words inside the quotation marks
    speaker: Speaker


def _quote_spans(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_SPANS.finditer(sentence)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _tidy(phrase: str) -> str:
    phrase = _PARTICIPLE.sub("", " ".join(phrase.split()).strip(" ,;:-–—"))
    while True:
        shorter = _TRAILING.sub("", _LEADING.sub("", phrase)).strip(" ,")
        if shorter == phrase:
            return phrase
        phrase = shorter


def _verbs(sentence: str, stop: int) -> list[re.Match[str]]:
    """Reporting verbs before ``stop``, outside quotes, that are verbs and not nouns."""
    spans = _quote_spans(sentence)
    out = []
    for m in _SPEECH_VERB.finditer(sentence, 0, stop):
        if _inside(m.start(), spans):
            continue
        if _NOT_A_VERB_BEFORE.search(sentence[: m.start()]):
            continue  # "Putin's claims", "Russian claims", "the report"
        if re.match(r"\s+by\b", sentence[m.end() :]):
            continue  # "reported by local media": a participle, not the statement's verb
        out.append(m)
    return out


def _phrase_before(sentence: str, verb: re.Match[str]) -> str:
    spans = _quote_spans(sentence)
    edges = [e for e in _EDGE.finditer(sentence, 0, verb.start()) if not _inside(e.start(), spans)]
    start = edges[-1].end() if edges else 0
    phrase = _tidy(sentence[start : verb.start()])
    if not phrase and len(edges) >= 2 and edges[-1].group(0) == ",":
        # "Ursula von der Leyen, president of the European Commission, called it ...".
        before = edges[-3].end() if len(edges) >= 3 else 0
        phrase = _tidy(sentence[before : verb.start()])
    if not phrase and edges and edges[-1].group(0) in {"but", "and then"}:
        # "The United States and its allies have welcomed it, but say ...": the first subject.
        first = re.match(r"^(.{3,80}?)\s+(?:have|has|had|are|is|was|were|will|would)\b", sentence)
        phrase = _tidy(first.group(1)) if first else ""
    return phrase


_AFTER = re.compile(
    rf"^\s*(?P<who2>[^.;“”\"]{{2,120}}?),?\s+(?P<verb2>{_SPEECH}),?"
    rf"(?P<extra>(?:\s+[^\s.;“”\"]+){{0,{_ATTRIBUTION_TAIL}}})\s*[.!?]?\s*$"
)
_AFTER_INVERTED = re.compile(  # '..." said Maria Zakharova, the ministry's spokeswoman.'
    rf"^\s*(?P<verb1>{_SPEECH})\s+(?P<who1>[^;“”\"]{{2,160}}?)\s*[.!?]?\s*$"
)


def _phrase_after(sentence: str, start: int) -> str | None:
    """The speaker of a trailing attribution after ``start``: ", a senior official said." """
    spans = _quote_spans(sentence)
    candidates: list[tuple[bool, str]] = []
    for m in re.finditer(r"[,”\"]", sentence[start:]):
        at = start + m.end()
        if _inside(at - 1, spans) and m.group(0) not in '”"':
            continue
        found = _AFTER.match(sentence[at:]) or _AFTER_INVERTED.match(sentence[at:])
        extra = found.groupdict().get("extra") if found else None
        if found is None or re.search(r"\b(?:said|says|told)\b", extra or ""):
            continue
        groups = found.groupdict()
        who = _tidy(groups.get("who1") or groups.get("who2") or "")
        if who and len(who.split()) <= 12:
            candidates.append((m.group(0) in '”"', who))
    if not candidates:
        return None
    after_quote = [who for quoted, who in candidates if quoted]
    return after_quote[0] if after_quote else candidates[-1][1]


def _according_to(sentence: str) -> str | None:
    m = re.search(r"\baccording to (?P<who>[^,.;“”\"]{3,80})", sentence)
    return _tidy(m.group("who")) if m else None


def claimant_phrase(sentence: str, at: int) -> str | None:
    """Who the sentence says makes the statement at character ``at``; None: no one is named."""
    verbs = _verbs(sentence, at)
    if verbs:
        phrase = _phrase_before(sentence, verbs[-1])
        if phrase:
            return phrase
    return _phrase_after(sentence, at) or _according_to(sentence)


def _name_run(tokens: list[str]) -> tuple[int, int] | None:
    """(start, end) of the trailing run of capitalised tokens (particles allowed inside)."""
    end = len(tokens)
    if not tokens or not _NAME_TOKEN.fullmatch(tokens[-1]):
        return None
    start = end
    while start > 0 and (
        _NAME_TOKEN.fullmatch(tokens[start - 1])
        or (tokens[start - 1] in _PARTICLES and start - 1 > 0)
    ):
        start -= 1
    return (start, end) if start < end else None


def _bare(token: str) -> str:
    """A name token without trailing punctuation or possessive: "Putin’s," -> "Putin"."""
    token = re.sub(r"['’]s$", "", token.rstrip(",;:!?"))
    return token if re.fullmatch(r"(?:[A-Z]\.)+", token) else token.rstrip(".")


def _is_title(token: str) -> bool:
    bare = re.sub(r"['’]s$", "", token).lower()
    return bare in TITLES or any(part in TITLES for part in bare.split("-") if part)


def _person(tokens: list[str]) -> str | None:
    """A person's name made of these tokens: 1 to 4 name words, no title, country or office."""
    if not 1 <= len(tokens) <= 4:
        return None
    for tok in tokens:
        low = tok.lower()
        if low in ORGANISATION_HEADS or _is_title(tok) or key_of(tok).startswith("#"):
            return None
    if key_of(" ".join(tokens)).startswith("#"):
        return None
    return " ".join(tokens)


def split_speaker(phrase: str) -> Speaker:
    """ "NATO Secretary-General Jens Stoltenberg" -> name "Jens Stoltenberg", role "NATO
    Secretary-General"; "John Kirby, the Pentagon spokesperson" -> role after the comma."""
    phrase = " ".join(phrase.split())
    head, _, appositive = phrase.partition(", ")
    if re.search(r"\s(?:and|or|&)\s", head):
        return Speaker(phrase, None, None)  # "Biden and Johnson": not one person
    raw = head.split()
    tokens = [_bare(t) for t in raw]
    run = _name_run(tokens)
    if run is None:
        return Speaker(phrase, None, None)
    start, end = run
    # The name starts after the last role word: "German Transport Minister Karl Weber".
    first = start
    for i in range(start, end):
        if _person([tokens[i]]) is None:
            first = i + 1
    name = _person(tokens[first:end]) if first < end else None
    if name is None:
        return Speaker(phrase, None, None)
    role = " ".join(raw[:first]).strip() or None
    if appositive and len(appositive.split()) <= 12:
        role = appositive.strip(" ,")
    return Speaker(phrase, name, role)


class People:
    """The people an article names, so "Kirby" or "he" can be read as "John Kirby"."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.full: dict[str, str] = {}  # surname -> full name
        self.roles: dict[str, str] = {}  # full name -> first role the article gives
        for sentence in sentences:
            for run in re.finditer(
                r"(?:[A-Z][\w'’.-]*|von|der|van|de|la|al|bin)(?:\s+(?:[A-Z][\w'’.-]*|von|der|van|"
                r"de|la|al|bin))+",
                sentence,
            ):
                speaker = split_speaker(run.group(0))
                if speaker.name and len(speaker.name.split()) >= 2:
                    self.full.setdefault(speaker.name.split()[-1], speaker.name)
                    role = speaker.role or _appositive_role(sentence, run.end())
                    if role is None:
                        role = _role_before(sentence, run.start(), speaker.role)
                    if role:
                        self.roles.setdefault(speaker.name, role)

    def resolve(self, name: str) -> str:
        return self.full.get(name.split()[-1], name) if name else name


def _appositive_role(sentence: str, end: int) -> str | None:
    m = re.match(r",\s+((?:the|a|an|[a-z]+)\b[^,;“”\"]{2,80}),", sentence[end:])
    if m and not _SPEECH_VERB.match(m.group(1)):
        return m.group(1).strip()
    return None


def _role_before(sentence: str, start: int, known: str | None) -> str | None:
    """Lower-case role words right before a name: "Defense Ministry spokesman Igor Konashenkov"."""
    before = sentence[:start].split()
    words: list[str] = []
    while before and len(words) < 8:
        word = before[-1]
        if _EDGE.fullmatch(word.strip(",")) or word.endswith((",", ":", ";", "“", '"')):
            break
        if not (_is_title(word) or word[:1].isupper() or word.lower() in {"of", "the"}):
            break
        words.insert(0, before.pop())
    while words and words[0].lower() in {"of", "the", "said", "says"}:
        words.pop(0)
    if not any(_is_title(w) for w in words):
        return known
    return " ".join(words)


def resolve_speaker(phrase: str, people: People, last_person: str | None) -> Speaker:
    """Split ``phrase``; a bare surname or a pronoun becomes the full name the article uses."""
    if phrase.lower() in _PRONOUNS - {"it", "we", "i", "they"}:
        if last_person:
            return Speaker(last_person, last_person, people.roles.get(last_person))
        return Speaker(phrase, None, None)
    speaker = split_speaker(phrase)
    if speaker.name is None:
        return speaker
    full = people.resolve(speaker.name)
    role = speaker.role or people.roles.get(full)
    phrase = speaker.phrase if full == speaker.name else speaker.phrase.replace(speaker.name, full)
    return Speaker(phrase, full, role)


def direct_quotes(source: Source) -> list[DirectQuote]:
    """Direct quotes in a source with their speakers, in document order."""
    people = People(source.sentences)
    out: list[DirectQuote] = []
    last_person: str | None = None
    for i, sentence in enumerate(source.sentences):
        spans = _quote_spans(sentence)
        if not spans:
            last_person = _named_in(sentence, people) or last_person
            continue
        start, end = spans[0][0], spans[-1][1]
        phrase = _phrase_after(sentence, end - 1) if end < len(sentence) else None
        if phrase and re.search(r"\breport(?:ed|s)\b", sentence[end:]):
            continue  # "..., El Pais reported": a publication, not a person speaking
        if phrase is None:
            verbs = _verbs(sentence, start)
            phrase = _phrase_before(sentence, verbs[-1]) if verbs else None
        if phrase is None and start == 0 and out and out[-1].index == i - 1:
            phrase = out[-1].speaker.name  # a quote that continues the previous speaker's
        speaker = resolve_speaker(phrase, people, last_person) if phrase else None
        if speaker is not None and speaker.name:
            last_person = speaker.name
            for s, e in spans:
                text = sentence[s + 1 : e - 1 if sentence[e - 1 : e] in '”"' else e]
                text = text.strip()
                out.append(DirectQuote(source.id, i, sentence, text, speaker))
    return out


def _named_in(sentence: str, people: People) -> str | None:
    """The person a sentence's reporting verb names, to resolve a later "he said"."""
    verbs = _verbs(sentence, len(sentence))
    if not verbs:
        return None
    speaker = split_speaker(_phrase_before(sentence, verbs[0]))
    return people.resolve(speaker.name) if speaker.name else None


def quote_words(text: str) -> int:
    return len(text.split())


def _surname_reach(name: str, sources: Sequence[Source]) -> int:
    surname = name.split()[-1]
    return sum(any(surname in s for s in src.sentences) for src in sources)


def story_keywords(sources: Sequence[Source], n: int = STORY_KEYWORDS) -> frozenset[str]:
    """The words the story is about: content words the most outlets use, then the most often
    ("russia", "troop", "border" for a troop build-up)."""
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for src in sources:
        words = [w for s in src.sentences for w in content_words(s) if w not in STOPWORDS]
        tf.update(words)
        df.update(set(words))
    ranked = sorted(df, key=lambda w: (-df[w], -tf[w], w))
    return frozenset(w for w in ranked[:n] if df[w] >= min(2, len(sources)))


def _hits(text: str, keywords: Collection[str]) -> int:
    return len(set(content_words(text)) & set(keywords))


def who_said_what(
    sources: Sequence[Source],
    salience: Mapping[tuple[str, int], float],
    *,
    exclude: Collection[tuple[str, str]] = (),
    dater: Dater | None = None,
    limit: int = MAX_QUOTES,
) -> list[Quote]:
    """The most notable direct quotes by named people, one per speaker, at most ``limit``.

    Notable: a quote of MIN_QUOTE_WORDS to MAX_QUOTE_WORDS words that speaks of what the story
    is about (story_keywords), from a salient sentence, by someone many outlets mention. The
    same words carried by several outlets become one quote citing them all. Sentences in
    ``exclude`` ((source, sentence) pairs already shown as points) are skipped.
    """
    keywords = story_keywords(sources)
    found = [
        q
        for src in sources
        for q in direct_quotes(src)
        if MIN_QUOTE_WORDS <= quote_words(q.text) <= MAX_QUOTE_WORDS
        and (q.source, q.sentence) not in exclude
        and _hits(q.text, keywords) > 0
    ]
    merged: list[tuple[float, DirectQuote, list[DirectQuote]]] = []
    for q in found:
        words = set(q.text.lower().split())
        for _, lead, carriers in merged:
            other = set(lead.text.lower().split())
            if lead.speaker.name == q.speaker.name and len(words & other) >= 0.6 * min(
                len(words), len(other)
            ):
                carriers.append(q)
                break
        else:
            score = (
                0.5 * min(_hits(q.text, keywords), 3)
                + 0.3 * salience.get((q.source, q.index), 0.0)
                + 0.2 * (_surname_reach(q.speaker.name or "", sources) - 1)
            )
            merged.append((score, q, [q]))
    merged.sort(key=lambda item: -item[0])
    out: list[Quote] = []
    speakers: set[str] = set()
    for _, lead, carriers in merged:
        name = lead.speaker.name or ""
        if name in speakers:
            continue
        speakers.add(name)
        citations = tuple(dict.fromkeys(c.source for c in carriers))
        out.append(
            Quote(
                speaker=name,
                role=lead.speaker.role,
                text=lead.text.rstrip(" ,;:"),
                citations=citations,
                evidence=tuple(
                    Evidence(source=c.source, quote=c.sentence)
                    for c in {c.source: c for c in reversed(carriers)}.values()
                ),
                date=dater.date_of(lead.source, lead.sentence) if dater else None,
            )
        )
        if len(out) >= limit:
            break
    return out
