"""An SMTP server on loopback (aiosmtpd) for the delivery tests, with scriptable faults.

    with SmtpServer() as box:              # accepts everything
        ...
    box.envelopes                          # every message it committed, in order

``rcpt_fault(address, nth)`` may answer a RCPT with a reply of its own (e.g. a 451 for the
first two attempts at one address); ``data_delay`` makes the server commit a message, then
answer only after that many seconds (past the client's timeout); with ``user``, AUTH is
required, and ``echo`` makes the server repeat the AUTH data it got in its replies.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import socket
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

RcptFault = Callable[[str, int], str | None]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def auth_plain(user: str, password: str) -> str:
    """What AUTH PLAIN puts on the wire for ``user`` and ``password``."""
    return base64.b64encode(f"\0{user}\0{password}".encode()).decode()


@dataclass
class Mailbox:
    """The server's handler: what it received, and how it misbehaves."""

    port: int = 0
    envelopes: list[Envelope] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    rcpt_fault: RcptFault | None = None
    data_delay: float = 0.0
    echo: str = ""  # repeated in every reply after AUTH, as a misbehaving server might
    rcpt_attempts: Counter[str] = field(default_factory=Counter)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        nth = self.rcpt_attempts[address]
        self.rcpt_attempts[address] += 1
        reply = self.rcpt_fault(address, nth) if self.rcpt_fault else None
        if reply is not None:
            return reply
        envelope.rcpt_tos.append(address)
        return f"250 OK {self.echo}".rstrip()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)  # committed: from here on, the message is delivered
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        return f"250 OK queued {self.echo}".rstrip()

    def messages(self) -> list[EmailMessage]:
        out = []
        for env in self.envelopes:
            raw = env.original_content or env.content
            assert isinstance(raw, bytes)
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            assert isinstance(msg, EmailMessage)
            out.append(msg)
        return out

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages()]

    def deliveries(self) -> Counter[str]:
        """How many copies each recipient got."""
        return Counter(r for env in self.envelopes for r in env.rcpt_tos)


class SmtpServer:
    """``with SmtpServer(...) as box``: a running server; ``box`` is its Mailbox."""

    def __init__(
        self,
        port: int | None = None,
        *,
        user: str | None = None,
        password: str = "",
        echo: bool = False,
        **faults: Any,
    ) -> None:
        self.box = Mailbox(port=port or free_port(), **faults)
        self.user, self.password, self.echo = user, password, echo
        kwargs: dict[str, Any] = {}
        if user is not None:
            kwargs = {
                "authenticator": self._authenticate,
                "auth_require_tls": False,
                "auth_required": True,
            }
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.box.port, **kwargs)

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.box.logins.append((login, password))
        ok = (login, password) == (self.user, self.password)
        if self.echo:  # what it got, in every encoding a client sends it in
            self.box.echo = f"[{auth_plain(login, password)} {password}]"
            if not ok:
                return AuthResult(
                    success=False, handled=False, message=f"535 5.7.8 rejected {self.box.echo}"
                )
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self.box

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
