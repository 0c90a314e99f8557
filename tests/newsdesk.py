"""Deterministic news articles and a stub "model" that answers the briefing's prompts well.

Shared by the reliability tests (faults, injection, secrets, load) and by ``bench/load.py``:

    folder = write_articles(tmp_path / "news", ["Alpha Times", "Bravo News"])
    model = NewsModel(fault=lambda call: server_error(503) if call.nth == 0 else None)
    with StubServer(model) as stub:
        main(["brief", str(folder), "--base-url", stub.base_url, "--model", "stub", ...])

``NewsModel`` reads the numbered sentences between the fence markers of a claims prompt and
answers with claims that quote them verbatim (so they verify), answers merge prompts with no
groups, and records every call. ``fault`` may replace any answer with a stub behaviour.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from stubserver import Behaviour

from summarizer.templating import fence

Kind = Literal["claims", "merge", "lede", "other"]
_NUMBERED = re.compile(r"^(\d+)\. (.*)$", re.MULTILINE)

# --- articles --------------------------------------------------------------------------------

_PLACES = [
    "Northport", "Riverside", "Eastbrook", "Hillcrest", "Lakeview", "Stonebridge", "Ashford",
    "Millbrook", "Oakdale", "Westmere", "Kingsford", "Fairhaven", "Greystone", "Elmwood",
    "Brookfield", "Marlow", "Thornbury", "Coldwater", "Redcliff", "Summerfield",
]  # fmt: skip
_ACTORS = [
    "The mayor", "The city council", "The transport minister", "A union spokesperson",
    "The fire service", "The regional governor", "Local business owners", "The health authority",
    "The coast guard", "A hospital director", "The water company", "Police", "The army",
    "An insurance broker", "The school board", "A meteorologist", "The red cross",
    "Farmers' leaders", "The opposition leader", "The environment agency",
]  # fmt: skip
_VERBS = ["said", "confirmed", "warned", "announced", "reported", "insisted", "estimated"]
_FACTS = [
    "the {place} bridge would stay closed for {n} days while engineers inspect its supports",
    "{n} families were moved to temporary shelters after the river rose overnight",
    "repairs to the flood barrier in {place} would cost about {n} million dollars",
    "emergency crews rescued {n} people from flooded homes near {place}",
    "schools in {place} would reopen on Monday if the water level keeps falling",
    "a new warning system for {place} would be installed within {n} weeks",
    "power was restored to {n} thousand homes across the {place} district",
    "the main road to {place} reopened to traffic late on Thursday evening",
    "insurers had received {n} claims from households in {place} since the storm",
    "volunteers filled {n} thousand sandbags at the {place} sports centre",
    "the river in {place} peaked at {n} metres above its normal level",
    "an inquiry into the failure of the {place} pumping station would report in {n} months",
    "{n} cattle drowned on farms along the valley south of {place}",
    "the railway line through {place} was washed away over a stretch of {n} kilometres",
    "drinking water in {place} must be boiled for at least {n} more days",
    "a landslide buried {n} cars on the hillside road above {place}",
    "the government released an emergency fund of {n} million for rebuilding {place}",
    "{n} soldiers were sent to reinforce the levees protecting {place}",
    "the hospital in {place} moved {n} patients to higher floors as a precaution",
    "looters were arrested in {n} abandoned shops in central {place}",
    "rainfall in {place} reached {n} millimetres in a single afternoon",
    "a ferry service will replace the collapsed {place} crossing for {n} weeks",
    "the harvest around {place} was ruined on roughly {n} hectares of wheat",
    "mobile networks failed for {n} hours across the {place} area",
    "the forecast promised dry weather in {place} for the next {n} days",
    "tourism operators in {place} cancelled {n} bookings for the summer",
    "a dam upstream of {place} was inspected by {n} engineers overnight",
    "residents of {place} complained that warnings came {n} hours too late",
    "a petition demanding better defences for {place} gathered {n} thousand signatures",
    "the cleanup of {place} could take {n} months and thousands of workers",
]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def article_sentences(outlet: str, number: int, count: int, seed: int = 0) -> list[str]:
    """``count`` varied sentences about one flood, the same for the same arguments."""
    rng = random.Random(f"{seed}:{outlet}:{number}")
    facts = rng.sample(_FACTS, min(count, len(_FACTS)))
    while len(facts) < count:
        facts.append(rng.choice(_FACTS))
    out = []
    for fact in facts:
        text = fact.format(place=rng.choice(_PLACES), n=rng.randint(2, 95))
        out.append(f"{rng.choice(_ACTORS)} {rng.choice(_VERBS)} that {text}.")
    return out


def article_text(outlet: str, number: int = 1, *, sentences: int = 6, seed: int = 0) -> str:
    """An article with YAML front matter naming the outlet, a title and a URL."""
    body = article_sentences(outlet, number, sentences, seed)
    paragraphs = [" ".join(body[i : i + 2]) for i in range(0, len(body), 2)]
    front = (
        f"---\nsource: {outlet}\ntitle: Flood update {number} from {outlet}\n"
        f"url: https://{slug(outlet)}.example/flood-{number}\n---\n"
    )
    return front + "\n\n".join(paragraphs) + "\n"


def write_articles(
    folder: Path,
    outlets: Sequence[str],
    *,
    per_outlet: int = 1,
    sentences: int = 6,
    seed: int = 0,
) -> Path:
    """``per_outlet`` articles for each outlet as ``<outlet-slug>-<n>.md`` files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for outlet in outlets:
        for number in range(1, per_outlet + 1):
            text = article_text(outlet, number, sentences=sentences, seed=seed)
            (folder / f"{slug(outlet)}-{number}.md").write_text(text, encoding="utf-8")
    return folder


def outlet_names(count: int) -> list[str]:
    """``count`` distinct outlet names: "Outlet 01 Gazette", "Outlet 02 Herald", ..."""
    kinds = ["Gazette", "Herald", "Courier", "Tribune", "Post", "Chronicle", "Observer", "Times"]
    return [f"Outlet {i:02d} {kinds[i % len(kinds)]}" for i in range(1, count + 1)]


# --- the stub model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One chat request as the stub model saw it."""

    body: Any
    kind: Kind
    sentences: tuple[tuple[int, str], ...]  # the numbered lines between the fence markers
    nth: int  # how many identical requests came before this one
    at: float  # time.monotonic() when it arrived

    @property
    def system(self) -> str:
        return "\n".join(m["content"] for m in self.body["messages"] if m["role"] == "system")

    @property
    def user(self) -> str:
        """The first user message: the one that carries the data."""
        return str(next(m["content"] for m in self.body["messages"] if m["role"] == "user"))

    def mentions(self, text: str) -> bool:
        """Whether ``text`` is one of the numbered lines (a claims prompt about that sentence)."""
        return any(text == line for _, line in self.sentences)


def fenced(prompt: str) -> str:
    """The data between the fence markers of a prompt ("" if there is no fence)."""
    fence_open, fence_close = fence()
    start = prompt.find(fence_open)
    end = prompt.find(fence_close, start + 1)
    if start < 0 or end < 0:
        return ""
    return prompt[start + len(fence_open) : end]


def classify(body: Any) -> tuple[Kind, tuple[tuple[int, str], ...]]:
    """Which prompt this is, from the fenced data alone (prompt wording changes; data does not).

    Claims prompts number an article's sentences; merge prompts number "(Outlet) claim" lines,
    and so do lede prompts, which ask for "sentences" instead of "groups".
    """
    messages = body.get("messages") if isinstance(body, dict) else None
    users = [m for m in messages or () if m.get("role") == "user"]
    if not users:
        return "other", ()
    lines = tuple((int(n), text) for n, text in _NUMBERED.findall(fenced(str(users[0]["content"]))))
    if not lines:
        return "other", ()
    if all(text.startswith("(") for _, text in lines):
        after = str(users[0]["content"]).rsplit(fence()[1], 1)[-1]
        return ("lede" if '"sentences"' in after else "merge"), lines
    return "claims", lines


Fault = Callable[[Call], "Behaviour | str | None"]


class NewsModel:
    """A responder for ``StubServer``: a model that obeys the prompts, with optional faults.

    Claims prompts get up to ``claims`` claims, each quoting one numbered sentence verbatim;
    merge prompts get ``{"groups": []}``. ``fault(call)`` runs first; a behaviour or text it
    returns is the answer instead. Thread-safe: the stub serves requests concurrently.
    """

    def __init__(self, fault: Fault | None = None, *, claims: int = 3) -> None:
        self.fault = fault
        self.claims = claims
        self.calls: list[Call] = []
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, body: Any) -> Behaviour | str:
        kind, lines = classify(body)
        key = json.dumps(body.get("messages") if isinstance(body, dict) else body, sort_keys=True)
        with self._lock:
            call = Call(body, kind, lines, self._seen[key], time.monotonic())
            self._seen[key] += 1
            self.calls.append(call)
        if self.fault is not None:
            answer = self.fault(call)
            if answer is not None:
                return answer
        return self.answer(call)

    def answer(self, call: Call) -> str:
        if call.kind == "claims":
            picked = call.sentences[: self.claims]
            return json.dumps({"claims": [{"sentences": [n], "text": t} for n, t in picked]})
        if call.kind == "merge":
            return json.dumps({"groups": []})
        if call.kind == "lede":  # the facts themselves, each citing its number: they verify
            facts = [(n, t.split(") ", 1)[-1]) for n, t in call.sentences[:3]]
            return json.dumps({"sentences": [{"facts": [n], "text": t} for n, t in facts]})
        return "ok"

    def of_kind(self, kind: Kind) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.kind == kind]

    def claims_calls_about(self, sentences: Sequence[str]) -> list[Call]:
        """Claims calls whose numbered lines include any of ``sentences``."""
        return [c for c in self.of_kind("claims") if any(c.mentions(s) for s in sentences)]
