"""Deliver a rendered email: over SMTP (plain, STARTTLS or SSL, optional AUTH) or into an outbox.

Every failure becomes one DeliveryError line that names the server, never the password (server
replies are redacted, since a server may echo the AUTH data it was sent).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from summarizer import crash
from summarizer.errors import DeliveryError, DeliveryUncertain, UsageError
from summarizer.fsutil import atomic_write
from summarizer.redact import Redactor

log = logging.getLogger("summarizer.deliver")

Security = Literal["none", "starttls", "ssl"]
DEFAULT_PORTS: dict[Security, int] = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_SMTP_TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: Security = "none"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_SMTP_TIMEOUT

    def __post_init__(self) -> None:
        if self.user and not self.password:
            raise UsageError(
                "--smtp-user is set but SUMMARIZER_SMTP_PASSWORD is not; the SMTP password "
                "comes only from that environment variable"
            )
        if self.password and not self.user:
            raise UsageError("SUMMARIZER_SMTP_PASSWORD is set but --smtp-user is not")
        if self.user and self.security == "none" and not _is_loopback(self.host):
            raise UsageError(
                f"refusing to send the SMTP password unencrypted to {self.host}; "
                "use --starttls or --ssl"
            )

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def redactor(self) -> Redactor:
        """Removes the password in every form the login sends it in (raw, base64, AUTH PLAIN)."""
        return Redactor([self.password], users=[self.user or ""])


@dataclass(frozen=True)
class SmtpOutcome:
    """What one SMTP transaction did, per recipient. Reply texts are redacted."""

    accepted: tuple[str, ...] = ()
    deferred: tuple[tuple[str, str], ...] = ()  # (address, reply): a 4xx, try again later
    refused: tuple[tuple[str, str], ...] = ()  # (address, reply): a 5xx, never retried
    reply: str = ""  # the server's answer to the message


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _text(detail: bytes | str) -> str:
    message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    return " ".join(message.split())


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return " ".join(str(exc).split()) or type(exc).__name__


def _stuffed(raw: bytes) -> bytes:
    """The message as DATA carries it: leading dots doubled, then the terminating dot line."""
    data = re.sub(rb"(?m)^\.", b"..", raw)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _connect(target: SmtpTarget, context: ssl.SSLContext) -> smtplib.SMTP:
    if target.security == "ssl":
        return smtplib.SMTP_SSL(target.host, target.port, timeout=target.timeout, context=context)
    return smtplib.SMTP(target.host, target.port, timeout=target.timeout)


def _no_op(recipients: Sequence[str]) -> None:
    pass


def send_smtp(
    raw: bytes,
    *,
    sender: str,
    recipients: Sequence[str],
    target: SmtpTarget,
    on_transmit: Callable[[Sequence[str]], None] = _no_op,
) -> SmtpOutcome:
    """One SMTP transaction delivering ``raw`` to ``recipients``; per-recipient outcome.

    ``on_transmit(accepted)`` runs after the server took the envelope and before the first byte
    of the message, so the caller can record that the message is in transit. Raises
    DeliveryError when nothing can have been delivered (connection, TLS, login, sender
    refused), and DeliveryUncertain when the connection broke after the whole message was sent.
    """
    redact = target.redactor
    context = ssl.create_default_context()
    step = "connect"
    sent_body = False
    client: smtplib.SMTP | None = None
    try:
        client = _connect(target, context)
        step = "hello"
        client.ehlo()
        if target.security == "starttls":
            step = "STARTTLS"
            client.starttls(context=context)
            client.ehlo()
        if target.user and target.password:
            step = "login"
            client.login(target.user, target.password)
        step = "MAIL FROM"
        code, detail = client.mail(_envelope(sender))
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, detail, sender)
        step = "RCPT TO"
        accepted: list[str] = []
        deferred: list[tuple[str, str]] = []
        refused: list[tuple[str, str]] = []
        for recipient in recipients:
            code, detail = client.rcpt(_envelope(recipient))
            reply = redact(f"{code} {_text(detail)}")
            if code in (250, 251):
                accepted.append(recipient)
            else:
                (deferred if 400 <= code < 500 else refused).append((recipient, reply))
        if not accepted:
            return SmtpOutcome(deferred=tuple(deferred), refused=tuple(refused))
        crash.step("smtp-recipients")
        step = "DATA"
        code, detail = client.docmd("DATA")
        if code == 354:
            on_transmit(tuple(accepted))
            crash.step("smtp-transmitting")
            step = "sending the message"
            client.send(_stuffed(raw))
            sent_body = True
            code, detail = client.getreply()
            crash.step("smtp-accepted")
        reply = redact(f"{code} {_text(detail)}")
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        reason = redact(_reason(exc))
        if sent_body:
            raise DeliveryUncertain(
                f"SMTP server {target.label} received the whole message but did not answer "
                f"({reason}); it may have been delivered"
            ) from exc
        raise DeliveryError(f"SMTP delivery to {target.label} failed at {step}: {reason}") from exc
    finally:
        if client is not None:
            _close(client, polite=sent_body)
    if code == 250:
        return SmtpOutcome(
            accepted=tuple(accepted), deferred=tuple(deferred), refused=tuple(refused), reply=reply
        )
    # The server turned the message down for everyone it had accepted.
    failed = [(r, reply) for r in accepted]
    if 400 <= code < 500:
        return SmtpOutcome(deferred=(*deferred, *failed), refused=tuple(refused), reply=reply)
    return SmtpOutcome(deferred=tuple(deferred), refused=(*refused, *failed), reply=reply)


def _close(client: smtplib.SMTP, *, polite: bool) -> None:
    """Say goodbye if we can; a failed goodbye never changes the outcome."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        log.debug("SMTP QUIT failed%s", " after the message was sent" if polite else "")
        client.close()


def _envelope(address: str) -> str:
    return parseaddr(address)[1] or address


def outbox_name(day: str, message_id: str) -> str:
    digest = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:12]
    return f"{day}-{digest}.eml"


def outbox_path(outbox: Path, day: str, message_id: str) -> Path:
    return outbox / outbox_name(day, message_id)


def write_outbox(raw: bytes, *, outbox: Path, day: str, message_id: str) -> Path:
    """Write the message as ``<day>-<hash of Message-ID>.eml``, atomically."""
    path = outbox_path(outbox, day, message_id)
    try:
        atomic_write(path, raw)
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {_reason(exc)}") from exc
    return path
