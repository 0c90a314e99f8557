"""The project's one exception tree; only the CLI and the nightly job catch the base class.

SummarizerError                 exit 1 unless a subclass says otherwise
├── UsageError                  exit 2: bad flags, bad config
├── InputError                  exit 2: no usable input, unreadable file
├── ModelError                  exit 1: the model endpoint failed
│   ├── EndpointUnavailable     connection refused, timeouts, 5xx after retries
│   ├── EndpointRejected        400/401/403/404/422: bad key, unknown model; never retried
│   ├── ContextLengthExceeded   the prompt does not fit; shrink, never retry as-is
│   ├── TruncatedOutput         finish_reason == "length"
│   └── InvalidModelOutput      JSON that does not validate
├── DeadlineExceeded            exit 1: the run's overall deadline passed
├── Cancelled                   exit 130: the run was interrupted (Ctrl-C)
├── DeliveryError               exit 1: mail could not be rendered or sent
│   └── DeliveryUncertain       the connection broke after the message was sent: maybe delivered
└── JobFailed                   a story of a run (nightly, eval) failed; its error's exit code
"""

from __future__ import annotations


class SummarizerError(Exception):
    """Base class; ``exit_code`` is what the CLI returns for it."""

    exit_code = 1


class UsageError(SummarizerError):
    exit_code = 2


class InputError(SummarizerError):
    exit_code = 2


class ModelError(SummarizerError):
    """A model call failed; ``endpoint`` names where (never the key)."""

    def __init__(self, message: str, *, endpoint: str = "") -> None:
        super().__init__(message)
        self.endpoint = endpoint


class EndpointUnavailable(ModelError):
    pass


class ContextLengthExceeded(ModelError):
    pass


class EndpointRejected(ModelError):
    pass


class TruncatedOutput(ModelError):
    """The answer hit max_tokens; ``partial`` is what came back, with the tokens it cost."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str = "",
        partial: str = "",
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        cached: bool = False,
    ) -> None:
        super().__init__(message, endpoint=endpoint)
        self.partial = partial
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.cached = cached  # replayed from the response cache, not asked again


class InvalidModelOutput(ModelError):
    pass


class DeadlineExceeded(SummarizerError):
    pass


class Cancelled(SummarizerError):
    """Raised in the run's workers after Ctrl-C; the main thread has the KeyboardInterrupt."""

    exit_code = 130


class DeliveryError(SummarizerError):
    pass


class DeliveryUncertain(DeliveryError):
    """The SMTP server got the whole message but its answer never came: it may have been
    delivered, so it is never sent again without ``--force``."""


class JobFailed(SummarizerError):
    """A story briefed by a runner (summarizer.execution) failed, here or on another machine;
    the message is its error's one line, the exit code the one its error had."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
