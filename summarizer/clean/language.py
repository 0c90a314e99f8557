"""Boilerplate in another language than the story's: told apart by script for non-Latin text and
by a language identifier (py3langid, offline) among Latin-script languages.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from summarizer.clean.common import FOREIGN, NOT_LATIN_LETTER, State, unmarked

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

# Latin-script paragraphs are told apart by a language identifier whose model ships in its
# wheel (py3langid, the langid.py model: 97 languages, no download). It is loaded on first use.
MIN_LETTERS = 15  # shorter paragraphs carry too little to identify
MIN_WORDS = 3
CONFIDENT = 0.95  # the paragraph is this surely in the other language...
MAIN_AT_MOST = 0.02  # ...and this unlikely to be in the document's own
# The identifier's cost grows with the text; a few hundred letters tell a language as well as a
# page does, and a document's main language shows in a sample of its paragraphs. Both keep a
# 20 MB article's cost per paragraph small and fixed.
IDENTIFY_CHARS = 300
MAIN_SAMPLE = 48
NAMES_WINDOW = 4 * IDENTIFY_CHARS  # text read to find IDENTIFY_CHARS of it that are not names


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _class_index() -> dict[str, int]:
    return {str(code): i for i, code in enumerate(_identifier().nb_classes)}


def _distribution(text: str) -> np.ndarray:
    """The identifier's probability for each of its languages (in ``nb_classes`` order).

    The same naive-Bayes model as py3langid's ``classify``, scored sparsely: a few hundred
    letters fire a few hundred of the model's 7,480 features, so only their rows are summed
    (py3langid multiplies a dense 7,480-long vector by the whole matrix, twice when both the
    best language and another's probability are wanted). Plain numpy sums, no BLAS call: no
    idle BLAS threads on the other cores, and the same probabilities on every machine."""
    identifier = _identifier()
    nextmove, output = identifier.tk_nextmove, identifier.tk_output
    state, features = 0, list[int]()
    extend = features.extend
    for byte in _head(text).encode("utf-8", errors="surrogatepass"):
        state = nextmove[(state << 8) + byte]
        extend(output.get(state, ()))
    scores = identifier.nb_pc.astype(np.float64)
    if features:
        counts = Counter(features)
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        scores = scores + (identifier.nb_ptc[rows] * weights[:, None]).sum(axis=0)
    return np.asarray(identifier.norm_probs(scores))


def identify(text: str) -> tuple[str, float]:
    """The most likely language of ``text`` (ISO 639-1) and its probability."""
    probs = _distribution(text)
    best = int(np.argmax(probs))
    return str(_identifier().nb_classes[best]), float(probs[best])


def _head(text: str) -> str:
    """At most IDENTIFY_CHARS characters, cut at a word boundary."""
    if len(text) <= IDENTIFY_CHARS:
        return text
    cut = text.rfind(" ", 0, IDENTIFY_CHARS)
    return text[: cut if cut > 0 else IDENTIFY_CHARS]


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


def _looks_english(low: str) -> bool:
    # Words no other common language uses; a plain `in` is the cheapest test Python has, and
    # it spares the identifier the bulk of an English article.
    return " the " in low or " and " in low or " to " in low or " that " in low or " with " in low


_WORD = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")


def _without_names(paragraph: str) -> str:
    """The paragraph's words without capitalised ones after the first: names ("Emilio
    Morenatti") say nothing about the language a sentence is written in. Only the paragraph's
    head is read (the identifier reads at most IDENTIFY_CHARS of what is left)."""
    words = _WORD.findall(paragraph, 0, NAMES_WINDOW)
    return " ".join(w for n, w in enumerate(words) if n == 0 or not w[:1].isupper())


def _other_language(paragraph: str, main: str) -> bool:
    text = _without_names(paragraph)
    if len(text.split()) < MIN_WORDS or len(NOT_LATIN_LETTER.sub("", text)) < MIN_LETTERS:
        return False
    probs = _distribution(text)
    best = int(np.argmax(probs))
    if _identifier().nb_classes[best] == main or probs[best] < CONFIDENT:
        return False
    if not _unlikely(probs, main):
        return False
    # An accented letter weighs more in the identifier than a short paragraph's every other
    # word: one loanword ("Café owners met on Tuesday.", "Naïve investors lost") reads as French
    # or Occitan. Text in another language stays so with its marks gone ("Tous droits
    # reserves"); such a paragraph must, to be dropped, be unlikely in the main language then
    # too (not surely in one other language: without its marks, a text can blur between two).
    bare = unmarked(text)
    return bare == text or _unlikely(_distribution(bare), main)


def _unlikely(probs: np.ndarray, main: str) -> bool:
    """Whether the main language is all but ruled out (or is one the identifier lacks)."""
    index = _class_index().get(main)
    return index is None or float(probs[index]) <= MAIN_AT_MOST


def _latin_foreign(paragraphs: list[str]) -> set[int]:
    """Indexes of Latin-script paragraphs in another language than the document's."""
    lows = [" " + p.lower() + " " for p in paragraphs]
    english = [_looks_english(low) for low in lows]
    english_share = sum(len(low) for low, en in zip(lows, english, strict=True) if en)
    # The cheap test settles most English articles; the identifier decides the rest.
    if english_share * 2 >= sum(len(low) for low in lows):
        main = "en"
    else:
        main = _main_language(paragraphs)
    candidates = [i for i in range(len(paragraphs)) if main != "en" or not english[i]]
    return {i for i in candidates if _other_language(paragraphs[i], main)}


def _main_language(paragraphs: list[str]) -> str:
    """The language most of the text is in: each paragraph votes with its length (one
    identification of the whole text would let a long footer outvote a short story)."""
    votes: Counter[str] = Counter()
    step = max(1, len(paragraphs) // MAIN_SAMPLE)
    for paragraph in paragraphs[::step]:
        text = _without_names(paragraph)
        if len(text.split()) >= MIN_WORDS:
            votes[identify(text)[0]] += len(text)
    return votes.most_common(1)[0][0] if votes else "en"


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
