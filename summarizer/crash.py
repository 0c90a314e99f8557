"""Named step points of the nightly delivery, and a test hook that kills the process at one.

``SUMMARIZER_CRASH_AT=<step>`` makes :func:`step` SIGKILL the process when it reaches that step,
as a power cut or the OOM killer would; the tests use it to show that a re-run after a crash at
any step delivers the date exactly once. Unset (always, outside those tests), it does nothing.
"""

from __future__ import annotations

import os
import signal

CRASH_ENV_VAR = "SUMMARIZER_CRASH_AT"

# In the order a run reaches them (SMTP steps only with --smtp-host, outbox steps without).
STEPS = (
    "started",  # the run is recorded, nothing composed yet
    "composed",  # the email is rendered in memory
    "archived",  # archive/<date>/ written
    "journalled",  # state says "sending", with the Message-ID and the message itself
    "smtp-recipients",  # the SMTP server accepted the envelope (MAIL FROM, RCPT TO)
    "smtp-transmitting",  # state says the message is in transit; the body is not sent yet
    "smtp-accepted",  # the server answered the body, before that answer is recorded
    "outbox-written",  # the outbox file is in place, before that is recorded
    "recorded",  # the outcome is in the state database
)


def step(name: str) -> None:
    """Mark reaching ``name``; under the test hook, die here without cleaning up."""
    if os.environ.get(CRASH_ENV_VAR) == name:
        os.kill(os.getpid(), signal.SIGKILL)
