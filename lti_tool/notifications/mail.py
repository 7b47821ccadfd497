"""E-mail over SMTP with the standard library (``smtplib`` + ``email.message``): one message
per call, plain text, UTF-8. No library adds anything here that a school's relay needs.

Nothing fails when mail is not configured: :func:`send` returns False and the caller says
what it could not send (an invitation link is then shown to the admin to pass on by hand).
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from lti_tool.config import Settings

log = logging.getLogger("marshrut.mail")


class MailFailed(Exception):
    """The relay refused or could not be reached (retryable by a job)."""


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(settings: Settings, to: str, subject: str, body: str) -> bool:
    """Send one message; False when no SMTP server is configured. Raises MailFailed."""
    if not configured(settings):
        log.info("mail not configured: not sent", extra={"subject": subject})
        return False
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.smtp_from, to, subject
    msg["Message-ID"] = make_msgid(domain="marshrut")
    msg.set_content(body)
    try:
        with smtplib.SMTP(str(settings.smtp_host), settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail not sent", extra={"error": type(exc).__name__})
        raise MailFailed(type(exc).__name__) from exc
    return True
