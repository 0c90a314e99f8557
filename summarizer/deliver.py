"""Deliver a rendered email: over SMTP (plain, STARTTLS or SSL, optional AUTH) or into an outbox.

Every failure becomes one DeliveryError line that names the server, never the password.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

from summarizer.errors import DeliveryError, UsageError
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


@dataclass(frozen=True)
class Delivery:
    """Where a message went: the outbox file, or the SMTP server and who accepted it."""

    via: str  # "smtp" | "outbox"
    path: Path | None = None
    accepted: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error
        message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        return f"{exc.smtp_code} {' '.join(message.split())}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"all recipients refused ({', '.join(sorted(exc.recipients))})"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return " ".join(str(exc).split()) or type(exc).__name__


def send_smtp(
    raw: bytes, *, sender: str, recipients: Sequence[str], target: SmtpTarget
) -> Delivery:
    """Send ``raw`` to ``recipients``; DeliveryError unless at least one recipient accepted it."""
    context = ssl.create_default_context()
    step = "connect"
    try:
        client: smtplib.SMTP
        if target.security == "ssl":
            client = smtplib.SMTP_SSL(
                target.host, target.port, timeout=target.timeout, context=context
            )
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=target.timeout)
        with client:
            step = "hello"
            client.ehlo()
            if target.security == "starttls":
                step = "STARTTLS"
                client.starttls(context=context)
                client.ehlo()
            if target.user and target.password:
                step = "login"
                client.login(target.user, target.password)
            step = "send"
            refused = client.sendmail(_envelope(sender), [_envelope(r) for r in recipients], raw)
            step = "quit"
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                # The server took the message; a failed goodbye must not make us send it again.
                log.debug("SMTP QUIT failed after the message was accepted")
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        reason = Redactor([target.password], users=[target.user or ""])(_reason(exc))
        raise DeliveryError(f"SMTP delivery to {target.label} failed at {step}: {reason}") from exc
    accepted = tuple(r for r in recipients if _envelope(r) not in refused)
    if refused:
        log.warning("SMTP server refused %s", ", ".join(sorted(refused)))
    return Delivery(via="smtp", accepted=accepted, refused=tuple(sorted(refused)))


def _envelope(address: str) -> str:
    return parseaddr(address)[1] or address


def outbox_name(day: str, message_id: str) -> str:
    digest = hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:12]
    return f"{day}-{digest}.eml"


def write_outbox(raw: bytes, *, outbox: Path, day: str, message_id: str) -> Delivery:
    """Write the message as ``<day>-<hash of Message-ID>.eml``, atomically."""
    path = outbox / outbox_name(day, message_id)
    try:
        atomic_write(path, raw)
    except OSError as exc:
        raise DeliveryError(f"cannot write {path}: {_reason(exc)}") from exc
    return Delivery(via="outbox", path=path)
