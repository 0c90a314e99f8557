"""The optional LLM judge: asks a model whether the evidence windows the checker found support
one claim. Prompts are ``prompts/judge.*.j2``; answers are validated JSON, temperature 0, cached.

The judge only adds an opinion next to the checker's verdict; a failed call is reported as
``"ERROR: <one line>"`` for that claim and never fails the claim or the run.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from summarizer import progress as tracking
from summarizer.errors import DeadlineExceeded, ModelError
from summarizer.llm import ChatModel, Message, UsageMeter, complete_json
from summarizer.models import open_model
from summarizer.parallel import run_parallel
from summarizer.settings import Settings
from summarizer.templating import prompt_version, render, strip_fence_markers

log = logging.getLogger("summarizer.judge")

MAX_TOKENS = 160
VERDICTS = ("supported", "unsupported")
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": list(VERDICTS)},
        "reason": {"type": "string"},
    },
    "required": ["verdict", "reason"],
}


@dataclass(frozen=True)
class Shown:
    """One evidence window shown to the judge."""

    outlet: str
    text: str


@dataclass(frozen=True)
class Opinion:
    """The judge's verdict ("supported", "unsupported" or "ERROR: ...") and its reason."""

    verdict: str
    reason: str = ""


def _validate(data: Any) -> Opinion:
    if not isinstance(data, dict):
        raise ValueError('expected an object {"verdict": ..., "reason": ...}')
    verdict = str(data.get("verdict", "")).strip().lower()
    if verdict not in VERDICTS:
        raise ValueError('"verdict" must be "supported" or "unsupported"')
    reason = data.get("reason", "")
    return Opinion(verdict, " ".join(str(reason).split()))


class Judge:
    """Asks one model about claims; ``concurrency`` calls at a time."""

    def __init__(self, model: ChatModel, *, concurrency: int = 4) -> None:
        self.model = model
        self.concurrency = max(1, concurrency)

    def opinion(self, claim: str, evidence: Sequence[Shown]) -> Opinion:
        """The judge's opinion of one claim; a model failure becomes an ERROR opinion."""
        messages = [
            Message("system", render("judge.system")),
            Message(
                "user",
                render(
                    "judge.user",
                    claim=strip_fence_markers(claim),
                    evidence=[
                        (n, strip_fence_markers(e.outlet), strip_fence_markers(e.text))
                        for n, e in enumerate(evidence, start=1)
                    ],
                ),
            ),
        ]
        try:
            opinion, _ = complete_json(
                self.model,
                messages,
                validate=_validate,
                max_tokens=MAX_TOKENS,
                temperature=0.0,
                schema=SCHEMA,
            )
        except (ModelError, DeadlineExceeded) as exc:
            log.info("judge failed on a claim: %s", exc)
            return Opinion("ERROR: " + _one_line(str(exc) or type(exc).__name__))
        return opinion

    def opinions(self, asks: Sequence[tuple[str, Sequence[Shown]]]) -> list[Opinion]:
        """Opinions for several (claim, evidence) pairs, in order; Ctrl-C cancels the calls."""
        tracking.plan([(f"claim-{n}", f"claim {n}") for n in range(1, len(asks) + 1)])

        def one(n: int) -> Opinion:
            with tracking.task(f"claim-{n + 1}"):
                opinion = self.opinion(*asks[n])
                tracking.update("fallback" if opinion.verdict.startswith("ERROR") else "done")
            return opinion

        found: dict[int, Opinion] = {}
        runs = run_parallel(one, range(len(asks)), workers=self.concurrency, stop=self.model.cancel)
        with contextlib.closing(runs):  # Ctrl-C: cancel the calls in flight at once
            for index, outcome in runs:
                if isinstance(outcome, Exception):
                    raise outcome  # Cancelled, or a bug: opinion() makes model errors ERROR
                found[index] = outcome
        return [found[n] for n in range(len(asks))]


@contextlib.contextmanager
def open_judge(settings: Settings) -> Iterator[Judge]:
    """A Judge over the model the settings name (the embedded one by default)."""
    meter = UsageMeter()
    with open_model(settings, prompt_version=prompt_version(), meter=meter) as model:
        yield Judge(model, concurrency=settings.concurrency)
        usage = meter.snapshot()
        log.info(
            "judge: %d calls (%d cached), %d prompt + %d completion tokens",
            usage.llm_calls,
            usage.cached_calls,
            usage.prompt_tokens,
            usage.completion_tokens,
        )


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
