"""Boilerplate in another language than the story's: told apart by script for non-Latin text and
by stopwords among Latin-script languages.
"""

from __future__ import annotations

import re
from collections import Counter

from summarizer.clean.common import FOREIGN, NOT_LATIN_LETTER, State

# Non-Latin scripts, by Unicode block; Latin-script languages are told apart by their stopwords.
_SCRIPT_BLOCKS = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x08FF, "arabic"),
    (0x0900, 0x0DFF, "indic"),
    (0x0E00, 0x0FFF, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)
_OTHER_LETTERS = (
    "\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u08ff\u0900-\u0dff"
    "\u0e00-\u0fff\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
)
_OTHER_LETTER = re.compile(f"[{_OTHER_LETTERS}]")
_NOT_OTHER_LETTER = re.compile(f"[^{_OTHER_LETTERS}]+")

_STOPWORDS = {
    "en": "the and of to is was that with for are it he she they have has were this from by said "
    "be which not their who will would been but its after about",
    "de": "der die das und ist nicht ein eine mit sich auf für den dem von zu auch wird werden "
    "sind oder bei nach aus über noch dieser diese ohne hat haben wurde kann wir ich",
    "es": "el los las del por con para una es su al como más pero sus está este esta fue han muy "
    "sobre también entre lo y la que",
    "fr": "le les des est et une dans pour pas qui sur au avec ce il elle sont ont mais nous vous "
    "du aux cette été être plus",
    "it": "della delle degli gli è sono nel nella alla alle questo questa più anche non perché ha "
    "hanno stato di che il",
    "pt": "não uma os do da dos das em ao são foi mas também pelo pela seu sua isso ele ela muito",
    "nl": "het een van niet zijn voor ook maar naar bij wordt worden deze hij zij wij werd hebben "
    "heeft dat",
}


def _stopword_table() -> dict[str, str]:
    owners: dict[str, set[str]] = {}
    for lang, words in _STOPWORDS.items():
        for word in words.split():
            owners.setdefault(word, set()).add(lang)
    # A word two languages share tells them apart from nothing.
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


_STOPWORD_LANG = _stopword_table()


def _script(paragraph: str) -> tuple[str, int]:
    """The paragraph's main script and roughly how many letters it has in it."""
    if paragraph.isascii() or not _OTHER_LETTER.search(paragraph):
        return "latin", len(paragraph)
    other = _NOT_OTHER_LETTER.sub("", paragraph)
    latin = len(NOT_LATIN_LETTER.sub("", paragraph))
    if len(other) <= latin:
        return "latin", latin
    counts: Counter[str] = Counter()
    for ch in other:
        code = ord(ch)
        for low, high, name in _SCRIPT_BLOCKS:
            if low <= code <= high:
                counts[name] += 1
                break
    name, letters = counts.most_common(1)[0]
    return name, letters


def _profile(words: list[str]) -> Counter[str | None]:
    return Counter(map(_STOPWORD_LANG.get, words))


def _other_language(words: list[str], main: str) -> bool:
    counts = _profile(words)
    top = max(_STOPWORDS, key=lambda lang: counts[lang])
    hits = counts[top]
    return (
        top != main
        and len(words) >= 8
        and hits >= 3
        and hits * 8 >= len(words)
        and hits >= 2 * counts[main] + 1
    )


def _looks_english(low: str) -> bool:
    # Words no other listed language uses; a plain `in` is the cheapest test Python has.
    return " the " in low or " and " in low or " to " in low or " that " in low or " with " in low


def _latin_foreign(paragraphs: list[str]) -> set[int]:
    """Indexes of Latin-script paragraphs in another language than the document's."""
    lows = "\n".join(paragraphs).lower().split("\n")
    english = [_looks_english(low) for low in lows]
    english_share = sum(len(low) for low, en in zip(lows, english, strict=True) if en)
    if english_share * 2 >= sum(len(low) for low in lows):
        main = "en"
        candidates = [i for i, low in enumerate(lows) if not english[i] and low.count(" ") >= 7]
    else:
        everything: Counter[str | None] = Counter()
        for low in lows:
            everything.update(_profile(low.split()))
        main = max(_STOPWORDS, key=lambda lang: everything[lang])
        candidates = list(range(len(lows)))
    return {i for i in candidates if _other_language(lows[i].split(), main)}


def drop_foreign_boilerplate(paragraphs: list[str], state: State) -> list[str]:
    if len(paragraphs) < 2:
        return paragraphs
    if all(p.isascii() for p in paragraphs) or not _OTHER_LETTER.search("\n".join(paragraphs)):
        scripts = [("latin", len(p)) for p in paragraphs]
    else:
        scripts = [_script(p) for p in paragraphs]
    weight: Counter[str] = Counter()
    for name, letters in scripts:
        weight[name] += letters
    main_script = weight.most_common(1)[0][0]
    foreign = {
        i for i, (name, letters) in enumerate(scripts) if name != main_script and letters >= 20
    }
    if main_script == "latin":
        latin = [i for i, (name, _) in enumerate(scripts) if name == "latin"]
        foreign |= {latin[j] for j in _latin_foreign([paragraphs[i] for i in latin])}
    kept: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i in foreign:
            state.drop(paragraph, FOREIGN)
        else:
            kept.append(paragraph)
    return kept
