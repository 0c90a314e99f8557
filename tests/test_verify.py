"""The verifier: what a model claim turns into, and which citations a point keeps."""

from summarizer.types import Claim, Corpus, Evidence, Point, Source
from summarizer.verify import Verifier

WIRE = (
    "The central bank raised its main interest rate to 4.5 percent on Thursday.",
    "Governor Ana Ruiz said inflation was still too high.",
    "Markets in Madrid closed slightly lower.",
)
DAILY = (
    "On Thursday the central bank raised its main interest rate to 4.5 percent.",
    "Shoppers in Seville said prices for bread had doubled.",
)


def _verifier() -> Verifier:
    sources = tuple(
        Source(id=sid, name=sid, path=f"{sid}.txt", text=" ".join(s), sentences=s)
        for sid, s in (("wire", WIRE), ("daily", DAILY))
    )
    return Verifier(Corpus(sources=sources, chunks=(), duplicates=()))


def test_a_supported_paraphrase_is_kept_and_pointed_at_its_evidence() -> None:
    claim = Claim("wire", "Governor Ana Ruiz said inflation was still too high.", (0,), "llm")
    checked = _verifier().verify_claim(claim)
    assert checked.method == "llm"
    assert checked.sentences == (1,)  # re-cited to the sentence that backs it


def test_an_invented_claim_is_replaced_by_its_cited_sentence_quoted() -> None:
    claim = Claim("wire", "The central bank cut its rate to 2 percent on Monday.", (0,), "llm")
    checked = _verifier().verify_claim(claim)
    assert checked.method == "quoted"
    assert checked.text == WIRE[0] and checked.sentences == (0,)


def test_each_sentence_of_a_run_on_claim_is_judged_on_its_own() -> None:
    claim = Claim(
        "wire",
        "Governor Ana Ruiz said inflation was still too high. The bank will print money.",
        (1,),
        "llm",
    )
    kept = _verifier().verify_claims(claim)
    assert [c.text for c in kept] == ["Governor Ana Ruiz said inflation was still too high."]
    assert kept[0].method == "llm"


def test_a_point_keeps_only_citations_whose_own_sentence_supports_it() -> None:
    point = Point(
        text=WIRE[0],
        citations=("wire", "daily"),
        evidence=(Evidence("wire", WIRE[0]), Evidence("daily", DAILY[1])),
        verified=False,
        method="extractive",
    )
    checked = _verifier().verify_point(point)
    assert checked is not None and checked.verified
    assert checked.citations == ("wire",)


def test_corroboration_adds_an_outlet_that_reported_the_same_fact() -> None:
    v = _verifier()
    point = Point(WIRE[0], ("wire",), (Evidence("wire", WIRE[0]),), True, "extractive")
    corroborated = v.corroborate(point, ["wire", "daily"])
    assert corroborated.citations == ("wire", "daily")
    assert corroborated.evidence[1] == Evidence("daily", DAILY[0])


def test_a_point_whose_lead_evidence_fails_is_dropped() -> None:
    point = Point(
        "Madrid markets soared to a record.", ("wire",), (Evidence("wire", WIRE[2]),), False, "llm"
    )
    assert _verifier().verify_point(point) is None
