import smtplib
from email.message import EmailMessage

from .config import SMTP_HOST


def send_email(to, subject, body):
    message = EmailMessage()
    message["From"] = "ledger@example.com"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(SMTP_HOST) as smtp:
        smtp.send_message(message)
