"""The claims step's own bounds: a claim far longer than asked for is refused (re-asked), so the
verification work per claim stays small whatever an endpoint sends."""

from __future__ import annotations

import json

from stubserver import StubServer, reply

from summarizer.llm import OpenAIChatModel
from summarizer.salience import score_sentences
from summarizer.summarise import MAX_CLAIM_WORDS, source_claims
from summarizer.types import Source

SENTENCES = (
    "The council approved the new bridge budget on Monday.",
    "Engineers said repairs would take three weeks.",
    "Residents asked for a ferry service in the meantime.",
)


def test_overlong_claim_is_refused_and_reasked(stub: StubServer) -> None:
    source = Source(id="s", name="Outlet", path="s.md", text=" ".join(SENTENCES),
                    sentences=SENTENCES)  # fmt: skip
    rambling = " ".join(["the bridge budget was approved"] * (MAX_CLAIM_WORDS // 5 + 1))
    stub.enqueue(
        reply(json.dumps({"claims": [{"sentences": [1], "text": rambling}]})),
        reply(json.dumps({"claims": [{"sentences": [1], "text": SENTENCES[0]}]})),
    )
    model = OpenAIChatModel(base_url=stub.base_url, model="stub-model", timeout=5)
    claims = source_claims(model, source, score_sentences([source]))
    assert [c.text for c in claims] == [SENTENCES[0]]
    reask = stub.chat_requests[1].body["messages"][-1]["content"]
    assert f"more than {MAX_CLAIM_WORDS} words" in reask
