"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, so
tests can send through Django's SMTP backend and read what actually arrived."""

import email
import email.policy
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from kitchen.processes import free_port


class Inbox:
    """aiosmtpd handler: every accepted message, parsed, in arrival order."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    # aiosmtpd calls this hook by its upper-case SMTP verb name.
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, *, timeout: float = 10.0) -> list[EmailMessage]:
        """Return the messages once `count` have arrived (another process may send)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} emails, {len(self.messages)} arrived"
                    )
                self._arrived.wait(left)
            return list(self.messages)


class SmtpServer:
    """Start with `with SmtpServer() as smtp:`; `smtp.port`, `smtp.inbox`."""

    def __init__(self):
        self.inbox = Inbox()
        self.port = free_port()
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpServer":
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    def mailer(self) -> dict:
        """A MAILERS entry sending to this server through Django's SMTP backend."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "127.0.0.1",
                "port": self.port,
                "use_tls": False,
                "timeout": 5,
            },
        }

    def environment(self) -> dict[str, str]:
        """What a server process needs to send here (see config.settings.base)."""
        return {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }


def body_of(message: EmailMessage) -> str:
    """Return the plain-text body with the wire's CRLF line ends made plain."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    return text.replace("\r\n", "\n")
