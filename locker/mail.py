import logging
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

log = logging.getLogger(__name__)


class EmlFileBackend(BaseEmailBackend):
    """With no EMAIL_URL, each message becomes an .eml file in the data folder (and a log line)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(getattr(settings, "EMAIL_FILE_PATH", settings.DATA_DIR / "mail"))
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
            path.write_bytes(message.message().as_bytes())
            log.info("Mail to %s written to %s", ", ".join(message.recipients()), path)
        return len(email_messages)
