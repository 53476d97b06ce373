"""A mail backend for tests whose server refuses chosen recipients, as an unreachable mailbox would."""

from smtplib import SMTPRecipientsRefused
from typing import ClassVar

from django.core.mail.backends import locmem


class RefusingBackend(locmem.EmailBackend):
    """Delivers to django.core.mail.outbox like locmem, except to the addresses in `refused`."""

    refused: ClassVar[set[str]] = set()

    def send_messages(self, messages):
        for message in messages:
            refused = set(message.to) & self.refused
            if refused:
                raise SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"mailbox unavailable")))
        return super().send_messages(messages)
